"""Draws the app's icons (static/icons/*.png) once; the PNGs are committed, so neither the app
nor its build needs Pillow. Run with any Python that has it: python3 scripts/make_icons.py

A white speech bubble on the app's blue, inside the middle 60% of the square, so that a
launcher's mask (a circle, a squircle: the "maskable" safe zone is the middle 80%) never
cuts it."""

from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (13, 110, 253)  # Bootstrap's primary, the navigation bar's colour
WHITE = (255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"


def icon(size: int) -> Image.Image:
    scale = 4  # drawn large and scaled down, for smooth edges
    s = size * scale
    image = Image.new("RGB", (s, s), BLUE)
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = 0.22 * s, 0.25 * s, 0.78 * s, 0.64 * s
    draw.rounded_rectangle((left, top, right, bottom), radius=0.09 * s, fill=WHITE)
    # The bubble's tail, down and to the left.
    draw.polygon([(0.32 * s, bottom - 1), (0.46 * s, bottom - 1), (0.30 * s, 0.78 * s)], fill=WHITE)
    # Three dots: someone is answering.
    for x in (0.38, 0.50, 0.62):
        r = 0.035 * s
        cx, cy = x * s, (top + bottom) / 2
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=BLUE)
    return image.resize((size, size), Image.LANCZOS)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    sizes = {"icon-192.png": 192, "icon-512.png": 512, "icon-maskable-512.png": 512}
    for name, size in sizes.items():
        icon(size).save(OUT / name, optimize=True)
        print(OUT / name)
