"""The console's words in English, Chinese and Russian: one module per area, each with
``TEXTS = {"en": {...}, "zh": {...}, "ru": {...}}`` (keys prefixed by the area)."""
