"""Digitisation (số hóa) of paper components at the counter: image pipeline, OCR, search."""
