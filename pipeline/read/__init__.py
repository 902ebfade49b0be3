"""Reading photos: load, locate and straighten each card, light, orientation, the OCR engines, QR codes."""
