"""The model and the image size in Settings: the list (Automatic first, the known models with their
prices, what the key can use marked), the price at the chosen size, saving "automatic" and the
size, values locked by the environment, and Test with the chosen model and size."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.core.config import Config, load_config
from app.gui.pools import Pools
from app.gui.settings_dialog import SettingsDialog
from app.services.image_models import IMAGE_MODELS
from app.services.model_catalog import ModelCatalog, ServedModel
from tests.gemini_standin import API_KEY, GeminiStandIn


def dialog_for(qtbot: QtBot, config: Config, catalog: ModelCatalog | None = None
               ) -> SettingsDialog:
    dialog = SettingsDialog(config, Pools(), catalog=catalog)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.key.probed, timeout=5000):
        dialog.show()
    return dialog


def items(dialog: SettingsDialog) -> list[tuple[str, str]]:
    combo = dialog.model.combo
    return [(combo.itemData(i), combo.itemText(i)) for i in range(combo.count())]


def test_the_list_offers_automatic_first_then_the_models_with_their_prices(
        qtbot: QtBot, data_dir: Path, tmp_path: Path) -> None:
    config = load_config(env={"PRODUCTSNAP_DATA_DIR": str(data_dir)}, cwd=tmp_path)
    dialog = dialog_for(qtbot, config)
    listed = items(dialog)
    assert listed[0] == ("automatic", "Automatic (recommended)")
    assert dialog.model.setting() == "automatic"  # the default
    assert listed[-1] == ("other:", "Other model…")
    ids = [data for data, _ in listed[1:-1]]
    assert ids == [m.id for m in IMAGE_MODELS if not m.retired]  # retired ones left out
    assert ("gemini-3.1-flash-image", "Nano Banana 2 (gemini-3.1-flash-image) · 512 $0.045 · "
            "1K $0.067 · 2K $0.101 · 4K $0.151") in listed
    assert dialog.image_size.currentData() == "1K"
    # Before the service was asked, Automatic's price is the first preferred model's.
    assert dialog.price.text() == "about $0.039 per image (Nano Banana, if your key can use it)"
    dialog.image_size.setCurrentIndex(dialog.image_size.findData("2K"))
    assert dialog.price.text().startswith("about $0.050 per image (Nano Banana 2.1")
    dialog.model.select("gemini-2.5-flash-image")
    assert dialog.price.text() == "Nano Banana makes only 1K"


def test_saving_automatic_and_the_image_size(
        qtbot: QtBot, data_dir: Path, tmp_path: Path) -> None:
    env = {"PRODUCTSNAP_DATA_DIR": str(data_dir)}
    before = load_config(env=env, cwd=tmp_path)
    before.settings.save({"model": "gemini-2.5-flash-image"})
    config = load_config(env=env, cwd=tmp_path)
    dialog = dialog_for(qtbot, config)
    assert dialog.model.setting() == "gemini-2.5-flash-image"

    dialog.model.select("automatic")
    dialog.image_size.setCurrentIndex(dialog.image_size.findData("2K"))
    assert dialog.changes() == {"model": "automatic", "image_size": "2K"}
    with qtbot.waitSignal(dialog.settings_saved, timeout=5000) as saved:
        dialog.save()
    new: Config = saved.args[0]
    assert (new.model, new.image_size) == ("automatic", "2K")
    again = load_config(env=env, cwd=tmp_path)
    assert (again.model, again.image_size) == ("automatic", "2K")


def test_another_model_id_can_be_typed(qtbot: QtBot, data_dir: Path, tmp_path: Path) -> None:
    config = load_config(env={"PRODUCTSNAP_DATA_DIR": str(data_dir)}, cwd=tmp_path)
    dialog = dialog_for(qtbot, config)
    assert not dialog.model.other.isVisible()
    dialog.model.combo.setCurrentIndex(dialog.model.combo.findData("other:"))
    assert dialog.model.other.isVisible()
    dialog.model.other.setText(" gemini-9-image ")
    assert dialog.model.setting() == "gemini-9-image"
    assert dialog.price.text() == "price unknown for this model"
    assert dialog.changes() == {"model": "gemini-9-image"}


def test_model_and_size_set_by_the_environment_are_read_only(
        qtbot: QtBot, data_dir: Path, tmp_path: Path) -> None:
    config = load_config(env={"PRODUCTSNAP_DATA_DIR": str(data_dir),
                              "NANO_BANANA_MODEL": "gemini-3-pro-image",
                              "NANO_BANANA_IMAGE_SIZE": "2K"}, cwd=tmp_path)
    dialog = dialog_for(qtbot, config)
    assert dialog.model.setting() == "gemini-3-pro-image"
    assert not dialog.model.isEnabled() and not dialog.image_size.isEnabled()
    assert dialog.price.isEnabled() and dialog.price.text() == "$0.134 per image"
    for name, variable in (("model", "NANO_BANANA_MODEL"),
                           ("image_size", "NANO_BANANA_IMAGE_SIZE")):
        note = dialog.findChild(QLabel, f"locked-{name}")
        assert note is not None and variable in note.text()
    dialog.rpm.setValue(30)
    assert dialog.changes() == {"rpm": 30}


def test_the_cached_model_list_marks_what_the_key_can_use(
        qtbot: QtBot, data_dir: Path, tmp_path: Path) -> None:
    config = load_config(env={"PRODUCTSNAP_DATA_DIR": str(data_dir)}, cwd=tmp_path)
    catalog = ModelCatalog(config.paths.ensure().data / "models.json")
    catalog.served(config.api_url, lambda: [
        ServedModel("gemini-3.1-flash-image", "Nano Banana 2"),
        ServedModel("gemini-4-flash-image", "Nano Banana 4")])
    dialog = dialog_for(qtbot, config, catalog)
    qtbot.waitUntil(lambda: dialog.model.served is not None, timeout=5000)
    listed = dict(items(dialog))
    assert listed["gemini-3.1-flash-image"].startswith("✓ Nano Banana 2 (")
    assert not listed["gemini-3-pro-image"].startswith("✓")
    # A model the key can use that ProductSnap does not know yet is offered too.
    assert listed["gemini-4-flash-image"] == ("✓ Nano Banana 4 (gemini-4-flash-image) · "
                                              "price unknown")
    assert dialog.model.hint.isVisible()
    # Automatic's price is now the price of the model it would choose.
    assert dialog.price.text() == "$0.067 per image (Automatic uses gemini-3.1-flash-image)"


def test_test_checks_the_chosen_model_and_size_and_lists_what_the_key_can_use(
        qtbot: QtBot, data_dir: Path, tmp_path: Path) -> None:
    with GeminiStandIn(models=("gemini-3.1-flash-image",)) as standin:
        config = load_config(env={"PRODUCTSNAP_DATA_DIR": str(data_dir),
                                  "NANO_BANANA_API_URL": standin.url}, cwd=tmp_path)
        dialog = dialog_for(qtbot, config)
        dialog.key.edit.setText(API_KEY)

        dialog.model.select("gemini-2.5-flash-image")  # not served to this key
        with qtbot.waitSignal(dialog.key.key_checked, timeout=10_000) as checked:
            dialog.key.test_button.click()
        assert checked.args[0].ok is False
        assert "gemini-3.1-flash-image" in dialog.key.result.text()  # what it can use instead
        listed = dict(items(dialog))
        assert listed["gemini-3.1-flash-image"].startswith("✓ ")
        assert not listed["gemini-2.5-flash-image"].startswith("✓")
        assert dialog.model.setting() == "gemini-2.5-flash-image"  # still the user's choice

        dialog.model.select("automatic")
        dialog.image_size.setCurrentIndex(dialog.image_size.findData("4K"))
        with qtbot.waitSignal(dialog.key.key_checked, timeout=10_000) as checked:
            dialog.key.test_button.click()
        check = checked.args[0]
        assert check.ok is True
        assert (check.choice.model, check.choice.size) == ("gemini-3.1-flash-image", "4K")
        assert dialog.key.result.text().startswith("✓")
        assert "gemini-3.1-flash-image" in dialog.key.result.text()
        assert dialog.price.text() == "$0.151 per image (Automatic uses gemini-3.1-flash-image)"
        assert all(r.method == "GET" for r in standin.requests)  # nothing generated


def test_test_says_when_the_model_does_not_make_the_size(
        qtbot: QtBot, data_dir: Path, tmp_path: Path) -> None:
    with GeminiStandIn() as standin:
        config = load_config(env={"PRODUCTSNAP_DATA_DIR": str(data_dir),
                                  "NANO_BANANA_API_URL": standin.url}, cwd=tmp_path)
        dialog = dialog_for(qtbot, config)
        dialog.key.edit.setText(API_KEY)
        dialog.model.select("gemini-2.5-flash-image")
        dialog.image_size.setCurrentIndex(dialog.image_size.findData("2K"))
        with qtbot.waitSignal(dialog.key.key_checked, timeout=10_000) as checked:
            dialog.key.test_button.click()
        assert checked.args[0].ok is False
        assert "2K" in dialog.key.result.text()
