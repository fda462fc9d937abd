"""Recognizers: pure check functions plus Presidio wrappers (language ``zh``)."""
