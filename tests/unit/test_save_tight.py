"""viz.maps.save_tight draws a figure once and crops it to its ink: what lies outside the
figure (a note below the map) is kept, nothing drawn is cut, and a transparent figure or a
vector file (.svg, .pdf: the maps' --map and --plot options take them) is cropped by
matplotlib's tight box instead."""

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from thaadsim.viz.maps import save_tight  # noqa: E402

DPI = 110


def _tight_px(fig, pad_in=0.05):
    bb = fig.get_tightbbox(fig.canvas.get_renderer()).padded(pad_in)
    return bb.width * DPI, bb.height * DPI


def test_text_outside_the_figure_is_kept_and_the_crop_is_matplotlib_s_tight_box(tmp_path):
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot([0, 1], [0, 1])
    ax.set_title("a title")
    ax.text(0.5, -0.4, "NOTE BELOW THE FIGURE", transform=ax.transAxes, ha="center")
    w_tight, h_tight = _tight_px(fig)
    save_tight(fig, tmp_path / "a.png", dpi=DPI)
    img = np.asarray(Image.open(tmp_path / "a.png").convert("L"))
    h, w = img.shape
    assert h > 4 * DPI, f"the note below the figure was cut: image {h} px high, figure 440 px"
    dark_rows = np.flatnonzero((img < 128).any(axis=1))
    assert dark_rows[-1] > h - 0.1 * DPI, (
        f"no text at the foot of the image: last dark row {dark_rows[-1]} of {h}")
    # the ink lies inside matplotlib's layout boxes: at most their size, within a few pixels
    assert w <= w_tight + 4 and h <= h_tight + 4, (  # antialiasing, rounding of the pad
        f"image {w} x {h} px larger than matplotlib's tight box {w_tight:.0f} x {h_tight:.0f}")
    assert w >= w_tight - 15 and h >= h_tight - 15, (
        f"image {w} x {h} px much smaller than the tight box {w_tight:.0f} x {h_tight:.0f}: "
        "something drawn was cropped")


def test_a_transparent_figure_is_cropped_by_matplotlib(tmp_path):
    fig, ax = plt.subplots(figsize=(5, 4))
    fig.patch.set_alpha(0.0)
    ax.plot([0, 1], [0, 1])
    ax.text(0.5, -0.4, "NOTE", transform=ax.transAxes)
    w_tight, h_tight = _tight_px(fig)
    save_tight(fig, tmp_path / "t.png", dpi=DPI)
    w, h = Image.open(tmp_path / "t.png").size
    assert abs(w - w_tight) <= 2 and abs(h - h_tight) <= 2, (
        f"transparent figure saved {w} x {h} px, matplotlib's tight box is "
        f"{w_tight:.0f} x {h_tight:.0f}")


@pytest.mark.parametrize("suffix,magic", [(".svg", b"<?xml"), (".pdf", b"%PDF"),
                                          (".png", b"\x89PNG")])
def test_the_file_is_written_in_the_format_its_suffix_names(tmp_path, suffix, magic):
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1], [0, 1])
    out = tmp_path / f"f{suffix}"
    save_tight(fig, out, dpi=DPI)
    head = out.read_bytes()[:len(magic)]
    assert head == magic, f"{out.name} starts with {head!r}, expected {magic!r}"
