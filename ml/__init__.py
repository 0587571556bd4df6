"""Toto ML service: speech, translation and language models behind standard HTTP protocols."""
