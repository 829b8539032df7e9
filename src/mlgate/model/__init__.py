"""Model stages: build the sklearn Pipeline from config, train, persist safely, evaluate."""
