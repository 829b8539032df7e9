"""The model: build the sklearn Pipeline from config, fit it, persist it safely, score it, card it."""
