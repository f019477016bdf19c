-- Format 3: region mode. `region` says whether layers and the finish run on the whole latent ('full', what
-- every earlier project did) or on windows around the edited cells ('crop'); `region_margin` is the margin c
-- in latent cells that crop mode adds around them. Revisions' change records written before this format lack
-- both fields and read them as these defaults.
ALTER TABLE settings ADD COLUMN region TEXT NOT NULL DEFAULT 'full' CHECK (region IN ('full', 'crop'));
ALTER TABLE settings ADD COLUMN region_margin INTEGER NOT NULL DEFAULT 8 CHECK (region_margin >= 0);
