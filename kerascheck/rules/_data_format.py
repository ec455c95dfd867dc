"""The image data format, as the KC60x rules about layouts read it (not a rule module)."""

from __future__ import annotations

from ..frontend.result import RefCalled


def channels_first_changed(ctx) -> bool:
    """The script sets the image data format itself (keras.config.set_image_data_format)."""
    return any(e.path.endswith("set_image_data_format") for e in ctx.result.events_of(RefCalled))


def channels_last(layer) -> bool:
    """The layer reads channels on the last axis: no data_format given, or "channels_last"."""
    value = layer.spec.args.get("data_format") if layer.spec is not None else "?"
    return value is None or value == "channels_last"
