-- Format 2: what a model's files cannot say about themselves. A single-file Stable Diffusion 2.x checkpoint
-- without metadata does not tell whether its UNet predicts epsilon or v, so the project records what the user
-- said when it was made. NULL: the model's own files decide.
ALTER TABLE model ADD COLUMN prediction_type TEXT
    CHECK (prediction_type IS NULL OR prediction_type IN ('epsilon', 'v_prediction', 'sample'));
