"""The local checks (app.checks.image_checks) on images made here, each with a known answer."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from app.checks import image_checks
from app.checks.image_checks import Check, CheckReport, background_mask, check_file, check_image
from app.checks.masks import product_box
from app.checks.presets import PRESETS, get_preset
from tests import photos

AMAZON = get_preset("amazon")
WALMART = get_preset("walmart")
ETSY = get_preset("etsy")
EBAY = get_preset("ebay")
GOOGLE = get_preset("google")
SHOPIFY = get_preset("shopify")
RED = (200, 30, 40)


def packshot(edge: int = 1200, fill: float = 0.88, background: tuple[int, ...] = (255, 255, 255),
             mode: str = "RGB", size: tuple[int, int] | None = None) -> Image.Image:
    """A red square product centred on a plain background; its side is ``fill`` of the frame's
    longest side."""
    width, height = size or (edge, edge)
    image = Image.new(mode, (width, height), background)
    side = round(max(width, height) * fill)
    left, top = (width - side) // 2, (height - side) // 2
    colour = (*RED, 255) if mode == "RGBA" else RED
    ImageDraw.Draw(image).rectangle((left, top, left + side - 1, top + side - 1), fill=colour)
    return image


def encode(image: Image.Image, fmt: str = "PNG", **params: object) -> bytes:
    return photos.to_bytes(image, fmt, **params)


def check(report: CheckReport, check_id: str) -> Check:
    found = report.check(check_id)
    assert found is not None, f"no {check_id} check in {report.as_record()}"
    return found


# --- the report -------------------------------------------------------------------------------


def test_a_good_packshot_passes_every_check_and_the_record_has_the_promised_shape() -> None:
    report = check_image(encode(packshot()), AMAZON, file="shot.png")
    assert report.verdict == "pass", report.as_record()
    record = report.as_record()
    assert list(record) == ["file", "preset", "verdict", "checks"]
    assert record["file"] == "shot.png" and record["preset"] == "amazon"
    checks = record["checks"]
    assert isinstance(checks, list)
    assert [list(item) for item in checks] == [["id", "verdict", "message", "value"]] * len(checks)
    assert [item["id"] for item in checks] == ["readable", "background", "fill", "size",
                                               "format", "colour"]


def test_the_overall_verdict_is_the_worst_check() -> None:
    warned = check_image(encode(packshot(edge=800)), AMAZON, file="small.png")  # zoom: warn
    assert {c.verdict for c in warned.checks} == {"pass", "warn"} and warned.verdict == "warn"
    failed = check_image(encode(packshot(edge=800, fill=0.5)), AMAZON, file="small.png")
    assert check(failed, "fill").verdict == "fail" and failed.verdict == "fail"
    assert image_checks.worst_verdict(["pass", "fail", "warn"]) == "fail"
    assert image_checks.worst_verdict([]) == "pass"


# --- background -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_pure_white_background_passes(fmt: str) -> None:
    report = check_image(encode(packshot(), fmt, quality=92), AMAZON)
    background = check(report, "background")
    assert background.verdict == "pass"
    assert background.value == {"pure_white_share": 1.0, "worst_deviation": 0,
                                "border_colour": [255, 255, 255], "transparent_share": 0.0}


def test_a_near_white_247_background_fails_as_off_white_with_the_share() -> None:
    report = check_image(encode(packshot(background=(247, 247, 247))), AMAZON)
    background = check(report, "background")
    assert background.verdict == "fail"
    assert "off-white" in background.message and "0% pure white" in background.message
    assert "Amazon main image" in background.message and "255,255,255" in background.message
    assert background.value == {"pure_white_share": 0.0, "worst_deviation": 8,
                                "border_colour": [247, 247, 247], "transparent_share": 0.0}


def test_a_background_one_level_off_white_fails_too() -> None:
    # Reportedly a listing was suppressed for 254,254,253.
    report = check_image(encode(packshot(background=(254, 254, 253))), WALMART)
    background = check(report, "background")
    assert background.verdict == "fail" and "Walmart" in background.message
    assert background.value["worst_deviation"] == 2


def test_a_transparent_border_is_not_white() -> None:
    image = packshot(background=(255, 255, 255, 0), mode="RGBA")
    report = check_image(encode(image), AMAZON)
    background = check(report, "background")
    assert background.verdict == "fail" and "transparent" in background.message
    assert background.value["pure_white_share"] == 0.0
    assert background.value["transparent_share"] == 1.0
    assert background.value["worst_deviation"] == 255
    colour = check(report, "colour")
    assert colour.verdict == "fail" and "transparent" in colour.message
    # The product is found from alpha.
    assert check(report, "fill").value["fill"] == pytest.approx(0.88, abs=0.001)


def test_a_transparent_image_is_fine_where_transparency_and_any_background_are() -> None:
    report = check_image(encode(packshot(background=(0, 0, 0, 0), mode="RGBA")), ETSY,
                         file="cut-out.png", native_size=None)
    assert check(report, "background").verdict == "pass"
    assert check(report, "colour").verdict == "pass"
    assert check(report, "colour").value["alpha"] == "transparent"


def test_pure_white_share_just_under_the_limit_fails_and_a_few_stray_pixels_pass() -> None:
    # 1000 x 1000: a 20 px frame of 4 * 20 * 1000 - 4 * 20 * 20 = 78,400 border pixels.
    def with_grey_dots(count: int) -> bytes:
        image = packshot(edge=1000)
        for n in range(count):
            image.putpixel((5 + (n * 7) % 990, 3 + (n // 141) % 15), (250, 250, 250))
        return encode(image)

    few = check(check_image(with_grey_dots(300), AMAZON), "background")  # 0.38%: pass
    assert few.verdict == "pass" and few.value["worst_deviation"] == 5
    assert few.value["pure_white_share"] == pytest.approx(1 - 300 / 78_400, abs=1e-4)
    many = check(check_image(with_grey_dots(600), AMAZON), "background")  # 0.77%: fail
    assert many.verdict == "fail"
    assert many.value["pure_white_share"] == pytest.approx(1 - 600 / 78_400, abs=1e-4)


def test_a_product_touching_the_frame_edge_fails_the_white_border() -> None:
    image = packshot(fill=0.5)
    ImageDraw.Draw(image).rectangle((0, 550, 600, 650), fill=(90, 90, 90))  # a shadow to the edge
    background = check(check_image(encode(image), AMAZON), "background")
    assert background.verdict == "fail"
    assert "reaches the edge" in background.message and "255,255,255" in background.message


def test_a_busy_noisy_background_fails_and_fill_is_still_reported() -> None:
    scene = photos.noisy_image((1200, 1200), 60)
    ImageDraw.Draw(scene).rectangle((300, 300, 899, 899), fill=RED)
    report = check_image(encode(scene), AMAZON)
    background = check(report, "background")
    assert background.verdict == "fail" and "not white" in background.message
    fill = check(report, "fill")
    assert fill.verdict == "warn" and "busy" in fill.message
    assert isinstance(fill.value, dict) and 0 < fill.value["fill"] <= 1
    assert fill.value["busy_background"] is True
    # Where the marketplace has no background or fill rule, neither complains.
    assert check(check_image(encode(scene), ETSY), "background").verdict == "pass"
    assert check(check_image(encode(scene), ETSY), "fill").verdict == "pass"


def test_a_background_rule_is_only_judged_where_the_preset_has_one() -> None:
    report = check_image(encode(packshot(background=(247, 247, 247))), EBAY)
    background = check(report, "background")
    assert background.verdict == "pass" and "no background rule" in background.message
    assert background.value["pure_white_share"] == 0.0


# --- fill -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fill", "verdict"), [(0.50, "fail"), (0.83, "warn"), (0.88, "pass")])
def test_fill_against_amazons_85_percent(fill: float, verdict: str) -> None:
    result = check(check_image(encode(packshot(fill=fill)), AMAZON), "fill")
    assert result.verdict == verdict, result.message
    assert result.value["fill"] == pytest.approx(fill, abs=0.001)
    assert f"{round(fill * 100)}% of the frame" in result.message
    if verdict != "pass":
        assert "85%" in result.message and "Amazon main image" in result.message


def test_fill_is_the_longest_side_of_the_box_and_both_sides_are_reported() -> None:
    image = Image.new("RGB", (1000, 800), (255, 255, 255))
    ImageDraw.Draw(image).rectangle((60, 300, 939, 499), fill=RED)  # 880 x 200
    result = check(check_image(encode(image), AMAZON), "fill")
    assert result.verdict == "pass"
    assert result.value == {"fill": 0.88, "width_share": 0.88, "height_share": 0.25,
                            "box": [60, 300, 940, 500], "busy_background": False}


def test_fill_above_the_maximum_warns() -> None:
    result = check(check_image(encode(packshot(fill=0.96)), GOOGLE), "fill")
    assert result.verdict == "warn" and "at most 90%" in result.message
    assert check(check_image(encode(packshot(fill=0.80)), GOOGLE), "fill").verdict == "pass"


def test_an_empty_picture_has_no_product() -> None:
    blank = encode(Image.new("RGB", (1200, 1200), (255, 255, 255)))
    result = check(check_image(blank, AMAZON), "fill")
    assert result.verdict == "fail" and "no product" in result.message
    assert result.value["fill"] == 0.0


def test_a_faint_contact_shadow_is_not_counted_as_product() -> None:
    image = packshot(edge=1200, fill=0.6)  # product 720 px: 240..960
    ImageDraw.Draw(image).rectangle((150, 960, 1049, 1020), fill=(235, 235, 235))
    result = check(check_image(encode(image), GOOGLE), "fill")
    assert result.value["box"] == [240, 240, 960, 960]
    ImageDraw.Draw(image).rectangle((150, 960, 1049, 1020), fill=(120, 120, 120))  # a real one
    result = check(check_image(encode(image), GOOGLE), "fill")
    assert result.value["box"] == [150, 240, 1050, 1021]


def test_jpeg_ringing_around_the_product_moves_its_edges_a_pixel_at_most() -> None:
    # Chroma subsampling bleeds a strong colour one pixel into a white neighbour: that pixel is
    # in the file, so it may count; JPEG's 8 px ringing must not.
    image = packshot(edge=2048, fill=0.7)
    png = check(check_image(encode(image), AMAZON), "fill").value
    jpeg = check(check_image(encode(image, "JPEG", quality=80), AMAZON), "fill").value
    assert png["box"] == [307, 307, 1741, 1741]
    assert all(abs(a - b) <= 1 for a, b in zip(jpeg["box"], png["box"], strict=True))


def test_isolated_specks_do_not_stretch_the_product_box() -> None:
    image = packshot(edge=2048, fill=0.5)
    for x, y in ((100, 100), (1900, 180), (150, 1800), (1950, 1950)):  # dust, off the border
        image.putpixel((x, y), (0, 0, 0))
    box = product_box(image)
    side = round(2048 * 0.5)
    start = (2048 - side) // 2
    assert box == (start, start, start + side, start + side)


def test_a_thin_product_edge_is_found_to_the_pixel() -> None:
    image = packshot(edge=2048, fill=0.5)
    ImageDraw.Draw(image).line((300, 1000, 511, 1000), fill=(0, 0, 0), width=1)  # a cable
    box = product_box(image)
    assert box is not None and box[0] == 300


# --- background_mask ------------------------------------------------------------------------


def test_background_mask_marks_the_product_and_nothing_else() -> None:
    mask = background_mask(packshot(edge=400, fill=0.5))
    assert mask.mode == "L" and mask.size == (400, 400)
    assert mask.getbbox() == (100, 100, 300, 300)
    assert mask.getpixel((200, 200)) == 255 and mask.getpixel((50, 50)) == 0
    assert {value for value, count in enumerate(mask.histogram()) if count} == {0, 255}


def test_background_mask_uses_alpha_for_a_cut_out() -> None:
    image = Image.new("RGBA", (300, 300), (255, 255, 255, 0))
    image.paste((255, 255, 255, 255), (100, 100, 200, 200))  # a white product on nothing
    mask = background_mask(image)
    assert mask.getbbox() == (100, 100, 200, 200)


def test_background_mask_on_a_coloured_backdrop() -> None:
    image = Image.new("RGB", (300, 200), (40, 90, 200))
    image.paste((250, 200, 30), (30, 40, 120, 160))
    assert background_mask(image).getbbox() == (30, 40, 120, 160)


# --- size -------------------------------------------------------------------------------------


def test_400_px_is_too_small_for_amazon() -> None:
    size = check(check_image(encode(packshot(edge=400)), AMAZON), "size")
    assert size.verdict == "fail" and "500 px" in size.message and "400" in size.message


def test_1200_px_passes_amazon_and_fails_walmart() -> None:
    data = encode(packshot(edge=1200))
    assert check(check_image(data, AMAZON), "size").verdict == "pass"
    walmart = check(check_image(data, WALMART), "size")
    assert walmart.verdict == "fail" and "1500 px" in walmart.message


def test_under_the_zoom_size_warns() -> None:
    size = check(check_image(encode(packshot(edge=800)), AMAZON), "size")
    assert size.verdict == "warn" and "1000 px or more for zoom" in size.message


def test_an_upscaled_export_is_judged_by_its_native_size_and_says_so() -> None:
    data = encode(packshot(edge=2000))
    walmart = check(check_image(data, WALMART, native_size=(1024, 1024)), "size")
    assert walmart.verdict == "fail" and "upscaled from 1024 px" in walmart.message
    assert walmart.value["native_longest"] == 1024
    assert check(check_image(data, WALMART), "size").verdict == "pass"  # honest about file too
    amazon = check(check_image(data, AMAZON, native_size=(1024, 1024)), "size")
    assert amazon.verdict == "pass" and "upscaled from 1024 px" in amazon.message
    # An export that shrank the image is judged by what the file has.
    shrunk = check(check_image(encode(packshot(edge=1200)), WALMART,
                               native_size=(4000, 4000)), "size")
    assert shrunk.verdict == "fail" and "upscaled" not in shrunk.message


def test_too_large_and_not_square() -> None:
    wide = encode(Image.new("RGB", (4600, 100), (255, 255, 255)))
    shopify = check(check_image(wide, SHOPIFY), "size")
    assert shopify.verdict == "fail" and "at most 4472 px" in shopify.message
    assert "square" in shopify.message
    limited = dataclasses.replace(SHOPIFY, max_pixels=400_000)
    pixels = check(check_image(encode(packshot(edge=700)), limited), "size")
    assert pixels.verdict == "fail" and "0.5 megapixels" in pixels.message
    oblong = check(check_image(encode(packshot(size=(1800, 1600))), WALMART), "size")
    assert oblong.verdict == "warn" and "square" in oblong.message


def test_size_and_product_box_are_said_upright_after_the_exif_orientation() -> None:
    stored = Image.new("RGB", (1200, 600), (255, 255, 255))
    stored.paste(RED, (100, 50, 1100, 250))  # 1000 x 200, in the upper half as stored
    report = check_image(photos.jpeg_with_exif(stored, orientation=6), AMAZON)
    assert check(report, "size").value["width"] == 600
    assert check(report, "size").value["height"] == 1200
    # Orientation 6: shown turned a quarter clockwise, so the band stands on the right side.
    assert check(report, "fill").value["box"] == [350, 100, 550, 1100]
    assert check(report, "fill").value["width_share"] == pytest.approx(200 / 600, abs=1e-4)


# --- format -----------------------------------------------------------------------------------


def test_a_png_named_jpg_fails_the_format_check() -> None:
    fmt = check(check_image(encode(packshot()), AMAZON, file="photos/item 7.jpg"), "format")
    assert fmt.verdict == "fail"
    assert ".jpg" in fmt.message and "PNG" in fmt.message and "item 7.png" in fmt.message
    assert fmt.value == {"format": "PNG", "extension": ".jpg", "bytes": len(encode(packshot())),
                         "frames": 1}
    right = check(check_image(encode(packshot(), "JPEG"), AMAZON, file="item.JPEG"), "format")
    assert right.verdict == "pass"


def test_a_format_the_marketplace_does_not_take_fails() -> None:
    fmt = check(check_image(encode(packshot(), "WEBP"), AMAZON, file="a.webp"), "format")
    assert fmt.verdict == "fail" and "JPEG, PNG, TIFF or GIF" in fmt.message
    ebay = check(check_image(encode(packshot()), EBAY, file="a.png"), "format")
    assert ebay.verdict == "fail" and "JPEG only" in ebay.message


def test_an_animated_gif_fails_and_a_big_file_fails() -> None:
    fmt = check(check_image(photos.animated_gif(), AMAZON, file="a.gif"), "format")
    assert fmt.verdict == "fail" and "animated (3 frames)" in fmt.message
    data = encode(photos.noisy_image((1200, 1200)), "PNG")
    assert WALMART.max_bytes is not None and len(data) <= WALMART.max_bytes
    small_limit = dataclasses.replace(WALMART, max_bytes=len(data) - 1)
    big = check(check_image(data, small_limit, file="a.png"), "format")
    assert big.verdict == "fail" and "at most" in big.message
    assert check(check_image(data, WALMART, file="a.png"), "format").verdict == "pass"


def test_a_name_without_an_image_extension_warns() -> None:
    fmt = check(check_image(encode(packshot(), "JPEG"), AMAZON, file="item"), "format")
    assert fmt.verdict == "warn" and "item.jpg" in fmt.message
    unnamed = check(check_image(encode(packshot(), "JPEG"), AMAZON), "format")
    assert unnamed.verdict == "pass"  # no name given: nothing to compare


# --- colour -----------------------------------------------------------------------------------


def test_a_cmyk_jpeg_fails_amazon_and_warns_etsy() -> None:
    cmyk = packshot().convert("CMYK")
    data = encode(cmyk, "JPEG", quality=92)
    amazon = check(check_image(data, AMAZON), "colour")
    assert amazon.verdict == "fail" and "CMYK" in amazon.message and "sRGB" in amazon.message
    assert amazon.value["mode"] == "CMYK"
    assert check(check_image(data, ETSY), "colour").verdict == "warn"


def test_a_profile_that_is_not_srgb_fails_and_srgb_passes() -> None:
    other = encode(packshot(), "JPEG", icc_profile=photos.swapped_primaries_icc())
    colour = check(check_image(other, AMAZON), "colour")
    assert colour.verdict == "fail" and "not sRGB" in colour.message and "Swap" in colour.message
    assert colour.value["srgb"] is False
    srgb = encode(packshot(), "JPEG", icc_profile=photos.srgb_icc())
    assert check(check_image(srgb, AMAZON), "colour").verdict == "pass"


def test_an_srgb_profile_under_another_name_is_srgb() -> None:
    renamed = photos.srgb_icc().replace("sRGB".encode("utf-16-be"), "c2c2".encode("utf-16-be"))
    colour = check(check_image(encode(packshot(), "JPEG", icc_profile=renamed), AMAZON),
                   "colour")
    assert colour.verdict == "pass", colour.message


def test_an_opaque_alpha_channel_is_no_transparency() -> None:
    report = check_image(photos.opaque_rgba_png((1200, 1200)), AMAZON)
    assert check(report, "colour").verdict == "pass"
    assert check(report, "colour").value["alpha"] == "opaque"


def test_odd_modes_are_read() -> None:
    report = check_image(photos.grey16_png((600, 600), 65535), AMAZON)
    assert check(report, "readable").verdict == "pass"
    assert check(report, "background").verdict == "pass"  # 16-bit white is white
    palette = check_image(photos.palette_png_with_transparency((600, 600)), AMAZON)
    assert check(palette, "colour").value["alpha"] == "transparent"


# --- unreadable -------------------------------------------------------------------------------


def test_a_truncated_file_fails_as_unreadable() -> None:
    data = encode(photos.noisy_image((1200, 1200)), "JPEG", quality=90)
    report = check_image(data[: len(data) // 2], AMAZON, file="cut.jpg")
    assert report.verdict == "fail"
    assert [c.id for c in report.checks] == ["readable"]
    assert "incomplete" in report.checks[0].message


@pytest.mark.parametrize(("data", "said"), [
    (b"", "empty"),
    (b"this is not an image at all" * 10, "not an image"),
    (photos.bomb_png(), "too large"),
])
def test_bad_data_is_a_plain_readable_failure(data: bytes, said: str) -> None:
    report = check_image(data, AMAZON)
    assert report.verdict == "fail" and [c.id for c in report.checks] == ["readable"]
    assert said in report.checks[0].message


def test_check_file_reads_and_explains_files_that_cannot_be_read(tmp_path: Path) -> None:
    good = photos.write(tmp_path / "good.jpg", encode(packshot(), "JPEG", quality=95))
    report = check_file(good, AMAZON)
    assert report.verdict == "pass" and report.file == str(good)
    missing = check_file(tmp_path / "gone.jpg", AMAZON)
    assert missing.verdict == "fail" and "no such file" in missing.checks[0].message
    folder = check_file(tmp_path, AMAZON)
    assert folder.verdict == "fail" and "folder" in folder.checks[0].message
    empty = check_file(photos.write(tmp_path / "empty.png", b""), AMAZON)
    assert empty.verdict == "fail" and "empty" in empty.checks[0].message


def test_every_preset_can_judge_a_packshot() -> None:
    data = encode(packshot(edge=2048), "JPEG", quality=95)
    for preset in PRESETS:
        report = check_image(data, preset, file="shot.jpg")
        assert {c.id for c in report.checks} >= {"background", "fill", "size", "format",
                                                 "colour"}
        for item in report.checks:
            assert item.message, (preset.id, item.id)


def test_judging_is_fast_enough_for_a_batch() -> None:
    """A loose bound (the benchmark measures properly): a 2048 px JPEG well under 0.5 s."""
    import time

    data = encode(packshot(edge=2048), "JPEG", quality=90)
    check_image(data, AMAZON)
    started = time.perf_counter()
    check_image(data, AMAZON)
    assert time.perf_counter() - started < 0.5


def test_pixels_are_judged_as_stored_not_as_decoded_for_display() -> None:
    """A JPEG of pure white stays exactly 255 when decoded: the check looks at what the
    marketplace gets, without colour conversion."""
    data = encode(Image.new("RGB", (600, 600), (255, 255, 255)), "JPEG", quality=75)
    assert Image.open(io.BytesIO(data)).convert("RGB").getextrema() == ((255, 255),) * 3
    assert check(check_image(data, AMAZON), "background").verdict == "pass"


def test_the_size_limits_are_the_intakes() -> None:
    from app.images import intake

    assert image_checks.MAX_PIXELS == intake.MAX_PIXELS
    assert image_checks.MAX_FILE_BYTES == intake.MAX_FILE_BYTES


def test_a_short_side_rule_is_checked_on_the_short_side() -> None:
    wide = Image.new("RGB", (2000, 400), (255, 255, 255))
    wide.paste((20, 40, 200), (800, 100, 1200, 300))
    buffer = io.BytesIO()
    wide.save(buffer, "JPEG", quality=95)
    report = check_image(buffer.getvalue(), get_preset("google"), file="wide.jpg")
    size = report.check("size")
    assert size is not None and size.verdict == "fail" and "500 x 500" in size.message
