"""Small real files generated on the spot: the demo's materials and the tests' uploads.
fpdf2 writes the PDF; the standard library writes the WAV."""

import io
import math
import struct
import wave


def pdf_bytes(title: str = "Spanish verbs", lines: tuple[str, ...] = ()) -> bytes:
    from fpdf import FPDF

    document = FPDF()
    document.add_page()
    document.set_font("helvetica", style="B", size=18)
    document.cell(text=title, new_x="LMARGIN", new_y="NEXT")
    document.set_font("helvetica", size=12)
    for line in lines:
        document.cell(text=line, new_x="LMARGIN", new_y="NEXT")
    return bytes(document.output())


def wav_bytes(seconds: float = 0.1, frequency: float = 440.0, rate: int = 8000) -> bytes:
    """A mono 16-bit tone."""
    frames = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * frequency * n / rate)))
        for n in range(int(rate * seconds))
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return buffer.getvalue()


def mp4_bytes() -> bytes:
    """An ISO base media file's first boxes (ftyp, then an empty mdat): what libmagic reads."""
    return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x08mdat"
