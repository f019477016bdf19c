import Foundation
import GRDB
import Testing
@testable import LDBDocument

/// Files written by an earlier format open, and are upgraded in place, with nothing lost.
@Suite("Format upgrades")
struct FormatUpgradeTests {
    @Test func aFormat1ProjectGainsThePredictionTypeColumn() throws {
        let scratch = try Scratch()
        let url = scratch.url()
        _ = try Project.create(at: url, settings: testSettings(), model: testModel, sourceImagePNG: nil)
        // Turn the file back into format 1: the model and settings tables as 0001_initial.sql made them.
        let queue = try DatabaseQueue(path: url.path)
        try queue.write { db in
            try db.execute(sql: "ALTER TABLE model DROP COLUMN prediction_type")
            try db.execute(sql: "ALTER TABLE settings DROP COLUMN region")
            try db.execute(sql: "ALTER TABLE settings DROP COLUMN region_margin")
            try db.execute(sql: "PRAGMA user_version = 1")
        }
        try queue.close()

        let project = try Project.open(at: url)
        #expect(try project.formatVersionOnDisk() == Project.formatVersion)
        #expect(try project.model() == testModel)
        #expect(try project.state().settings == testSettings())
    }

    @Test func thePredictionTypeRoundTrips() throws {
        let scratch = try Scratch()
        var model = testModel
        model.predictionType = "v_prediction"
        _ = try Project.create(at: scratch.url(), settings: testSettings(), model: model, sourceImagePNG: nil)
        #expect(try Project.open(at: scratch.url()).model().predictionType == "v_prediction")
    }
}
