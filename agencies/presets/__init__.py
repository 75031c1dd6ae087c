"""Policy presets: one per source policy, plus a Missouri default for an agency whose policy is
silent. Each preset is the Missouri default overlaid with what its document says, every point
carrying the section it comes from (shown beside the value on the settings page)."""

from dataclasses import dataclass
from typing import Any

from . import clayton, joplin, kcpd, missouri_default, slmpd, st_joseph


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    document: str
    document_short: str
    policy: dict[str, Any]
    sources: dict[str, str]


def _build(module: Any) -> Preset:
    base = missouri_default.POINTS
    points = {**base, **getattr(module, "POINTS", {})}
    policy = {name: value for name, (value, _) in points.items()}
    short = module.DOCUMENT_SHORT
    sources = {}
    own_points = {} if module is missouri_default else module.POINTS
    for name, (_, section) in points.items():
        if module is missouri_default:
            sources[name] = section
        elif name in own_points:
            sources[name] = f"{short} {section}"
        else:
            sources[name] = f"{short} is silent: {base[name][1]}"
    for key in ("incident_types", "intervention_types", "team_roles", "resources"):
        items = getattr(module, key.upper(), None)
        if items is None or module is missouri_default:
            items = getattr(missouri_default, key.upper())
            sources[key] = (
                "product default"
                if module is missouri_default
                else (f"{short} is silent: product default")
            )
        else:
            sources[key] = f"{short} (each entry names its section)"
        policy[key] = [dict(item) for item in items]
    return Preset(
        key=module.KEY,
        name=module.NAME,
        document=module.DOCUMENT,
        document_short=short,
        policy=policy,
        sources=sources,
    )


PRESETS: dict[str, Preset] = {
    m.KEY: _build(m) for m in (st_joseph, joplin, slmpd, clayton, kcpd, missouri_default)
}


def get_preset(key: str) -> Preset:
    try:
        return PRESETS[key]
    except KeyError:
        raise KeyError(
            f'Unknown preset "{key}". Choose one of: {", ".join(sorted(PRESETS))}.'
        ) from None
