"""The model: the sklearn Pipeline from config, fitted, persisted safely, scored and carded."""
