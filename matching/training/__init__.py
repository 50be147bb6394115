"""Training the shipped artifacts (models/): the classifier with its calibrated thresholds, the
ranker, and the model cards written beside them. Cross-validated in `matching.evaluation`."""
