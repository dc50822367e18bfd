"""The AI label (IPTC DigitalSourceType in XMP) and privacy: no file the app writes carries the
phone's GPS position, serial number or owner name."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PIL import ExifTags, Image, ImageDraw

from app.checks import provenance
from app.checks.provenance import (
    COMPOSITE_SYNTHETIC,
    COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA,
    TRAINED_ALGORITHMIC_MEDIA,
    labelled,
    read_source_type,
    source_type_for,
    xmp_packet,
)
from app.core.job import Job, JobStatus
from app.services.styles import Style, all_styles, get_style
from tests.photos import swapped_primaries_icc, to_bytes
from tests.processes import child_env

SERIAL = "SN-99887766"
OWNER = "Jane Q. Seller"
ARTIST = "Jane Artist"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}


def phone_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "AcmePhone"
    exif[ExifTags.Base.Artist] = ARTIST
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.BodySerialNumber] = SERIAL  # 0xA431
    details[ExifTags.Base.CameraOwnerName] = OWNER  # 0xA430
    place = exif.get_ifd(ExifTags.IFD.GPSInfo)
    place[ExifTags.GPS.GPSLatitudeRef] = "N"
    place[ExifTags.GPS.GPSLatitude] = (52.0, 22.0, 12.5)
    place[ExifTags.GPS.GPSLongitudeRef] = "E"
    place[ExifTags.GPS.GPSLongitude] = (4.0, 53.0, 41.0)
    return exif


def phone_photo() -> Image.Image:
    photo = Image.new("RGB", (1200, 900), (248, 248, 246))
    ImageDraw.Draw(photo).rounded_rectangle((380, 180, 820, 760), 40, fill=(30, 70, 160))
    return photo


def assert_no_private_data(path: Path) -> None:
    data = path.read_bytes()
    for secret in (SERIAL, OWNER, ARTIST, "AcmePhone"):
        assert secret.encode() not in data, f"{secret} in {path}"
    with Image.open(path) as image:
        image.load()
        exif = image.getexif()
        assert ExifTags.Base.Artist not in exif, path
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo), path
        details = exif.get_ifd(ExifTags.IFD.Exif)
        assert ExifTags.Base.BodySerialNumber not in details, path
        assert ExifTags.Base.CameraOwnerName not in details, path
        assert "exif" not in image.info, path


# --- the packet and the label ---------------------------------------------------------------


def test_the_xmp_packet_is_well_formed_and_says_the_term() -> None:
    packet = xmp_packet(TRAINED_ALGORITHMIC_MEDIA)
    assert packet.startswith(b"<?xpacket begin=") and packet.endswith(b'<?xpacket end="w"?>')
    root = ElementTree.fromstring(packet)
    assert root.tag == "{adobe:ns:meta/}xmpmeta"
    rdf = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
    (description,) = root.findall(f"{rdf}RDF/{rdf}Description")
    value = description.find("{http://iptc.org/std/Iptc4xmpExt/2008-02-29/}DigitalSourceType")
    assert value is not None and value.text == (
        "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia")
    with pytest.raises(ValueError):
        xmp_packet("made by hand <script>")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_an_encoded_image_reads_back_its_label(fmt: str) -> None:
    data = labelled(phone_photo(), COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA, format=fmt)
    assert Image.open(io.BytesIO(data)).format == fmt
    assert read_source_type(data) == COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_relabelling_stored_bytes_keeps_pixels_and_profile_and_drops_the_rest(
        fmt: str) -> None:
    photo = phone_photo()
    params: dict[str, object] = {"exif": phone_exif(), "icc_profile": swapped_primaries_icc()}
    if fmt == "JPEG":
        params.update(quality=90, comment=f"owner {OWNER}".encode())
    original = to_bytes(photo, fmt, **params)
    data = labelled(original, TRAINED_ALGORITHMIC_MEDIA)
    assert read_source_type(data) == TRAINED_ALGORITHMIC_MEDIA
    before, after = Image.open(io.BytesIO(original)), Image.open(io.BytesIO(data))
    assert before.tobytes() == after.tobytes()  # not re-encoded: the very same pixels
    assert after.info.get("icc_profile") == swapped_primaries_icc()
    path = Path(f"relabelled.{fmt.lower()}")
    path.write_bytes(data)
    assert_no_private_data(path)


def test_a_label_is_replaced_not_doubled_and_unlabelled_files_say_none() -> None:
    once = labelled(phone_photo(), COMPOSITE_SYNTHETIC, format="JPEG")
    twice = labelled(once, TRAINED_ALGORITHMIC_MEDIA)
    assert read_source_type(twice) == TRAINED_ALGORITHMIC_MEDIA
    assert twice.count(b"DigitalSourceType>") == 2  # one opening, one closing tag
    assert read_source_type(to_bytes(phone_photo(), "JPEG")) is None
    assert read_source_type(b"not an image") is None


def test_a_format_that_cannot_carry_the_label_is_refused() -> None:
    with pytest.raises(provenance.UnlabelledFormatError):
        labelled(phone_photo(), TRAINED_ALGORITHMIC_MEDIA, format="BMP")


def _job(mode: str, style: str) -> Job:
    return Job(id="j", source_path="/p/mug.jpg", style=style, status=JobStatus.COMPLETED,
               mode=mode, created_at=0.0)


def test_the_term_follows_how_the_result_was_made(monkeypatch: pytest.MonkeyPatch) -> None:
    local = [style for style in all_styles() if style.is_local]
    assert {style.id for style in local} == {"cutout_white", "cutout_shadow", "cutout_colour",
                                             "cutout_transparent"}
    for style in all_styles():
        if style.is_local:  # an edit of the real photo, in demo mode too
            assert style.keeps_product_pixels
            assert source_type_for(_job("live", style.id)) == (
                COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA)
            assert source_type_for(_job("mock", style.id)) == (
                COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA)
        else:
            assert not style.keeps_product_pixels
            assert source_type_for(_job("live", style.id)) == TRAINED_ALGORITHMIC_MEDIA
            assert source_type_for(_job("mock", style.id)) == COMPOSITE_SYNTHETIC
    assert source_type_for(_job("live", "a_style_since_removed")) == TRAINED_ALGORITHMIC_MEDIA
    keeping = Style(**{**get_style("studio_white").__dict__, "keeps_product_pixels": True})
    monkeypatch.setattr(provenance, "get_style", lambda style_id: keeping)
    assert source_type_for(_job("live", "studio_white")) == (
        COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA)


def test_an_upload_copy_keeps_nothing_of_a_png_either(tmp_path: Path) -> None:
    from PIL import PngImagePlugin

    from app.images.intake import prepare_photo

    text = PngImagePlugin.PngInfo()
    text.add_text("Author", OWNER)
    text.add_itxt("XML:com.adobe.xmp", f"<x>{SERIAL}</x>")
    photo = phone_photo().convert("RGBA")
    photo.putpixel((0, 0), (0, 0, 0, 0))  # real transparency: the upload stays a PNG
    prepared = prepare_photo(to_bytes(photo, "PNG", exif=phone_exif(), pnginfo=text))
    assert prepared.mime == "image/png"
    for name, data in (("upload.png", prepared.data), ("thumb", prepared.thumbnail)):
        path = tmp_path / name
        path.write_bytes(data)
        assert_no_private_data(path)


# --- privacy, end to end --------------------------------------------------------------------


def _cli_env(data_dir: Path, out_dir: Path) -> dict[str, str]:
    return child_env(IMAGE_GENERATION_MODE="mock", PRODUCTSNAP_DATA_DIR=str(data_dir),
                     PRODUCTSNAP_OUTPUT_DIR=str(out_dir))


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args], env=env, capture_output=True,
                          text=True, timeout=120)


def test_no_written_file_carries_gps_serial_or_owner(tmp_path: Path, data_dir: Path,
                                                     out_dir: Path) -> None:
    photo = tmp_path / "shop" / "mug.jpg"
    photo.parent.mkdir()
    photo.write_bytes(to_bytes(phone_photo(), "JPEG", quality=92, exif=phone_exif()))
    with Image.open(photo) as check:  # the test photo really carries all of it
        exif = check.getexif()
        assert exif.get_ifd(ExifTags.IFD.GPSInfo) and exif[ExifTags.Base.Artist] == ARTIST
        assert exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] == SERIAL
    env = _cli_env(data_dir, out_dir)
    generated = _run(["generate", str(photo), "--json"], env)
    assert generated.returncode == 0, generated.stderr
    exports = tmp_path / "exports"
    for preset in ("amazon", "etsy", "original"):
        for fix in ([], ["--fix"]):
            done = _run(["export", "--last", "--preset", preset, "--out", str(exports),
                         "--json", *fix], env)
            assert done.returncode in (0, 1), done.stderr
    written = [path for folder in (data_dir, out_dir, exports) for path in folder.rglob("*")
               if path.suffix.lower() in IMAGE_SUFFIXES]
    kinds = {"uploads", "results", "thumbnails", "Demo", "exports"}
    assert kinds <= {part for path in written for part in path.parts}, written
    for path in written:
        assert_no_private_data(path)
    exported = sorted(exports.iterdir())
    assert len(exported) == 6
    for path in exported:
        assert read_source_type(path.read_bytes()) == COMPOSITE_SYNTHETIC
    record = json.loads(generated.stdout.splitlines()[0])
    assert record["status"] == "completed"
