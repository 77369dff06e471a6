"""What a scenario may name: policies (and the other pluggable components), presets, kinds."""
from . import _xpusim

# Preset folders under the shipped configs/, by the section that names them.
_PRESET_DIRS = {"hardware": "hardware", "model": "models", "engine": "engines"}


def _catalogs():
    return _xpusim.catalogs()


def list_policies(family=None):
    """Names by family, e.g. {"batching": ["chunked", "sarathi", "vllm", ...], "router": [...]}.
    Families: batching, router, migration, fairness, eviction, execution (execution models),
    workload (sources), switch_memory, flow_scheduling, dvfs, expert_placement, expert_offload.
    With `family`, that family's names only."""
    catalogs = _catalogs()
    if family is not None:
        return sorted(_family(catalogs, family)["entries"])
    return {name: sorted(f["entries"]) for name, f in catalogs.items()}


def describe(family, name):
    """One entry: {"key": YAML key that names it, "help", "params": [{name, type, default,
    required, unit, expected, help}]}."""
    f = _family(_catalogs(), family)
    if name not in f["entries"]:
        raise KeyError(f"unknown {family} {name!r} (expected one of: {', '.join(sorted(f['entries']))})")
    entry = dict(f["entries"][name])
    entry["key"] = f["key"]
    return entry


def list_presets(section=None):
    """Shipped preset names: {"hardware": [...], "model": [...], "engine": [...]}, or one
    section's list (`{preset: NAME}` in that section)."""
    if section is not None:
        if section not in _PRESET_DIRS:
            raise KeyError(f"unknown preset section {section!r} (expected one of: {', '.join(_PRESET_DIRS)})")
        return _xpusim.presets(_PRESET_DIRS[section])
    return {s: _xpusim.presets(d) for s, d in _PRESET_DIRS.items()}


def list_system_kinds():
    """{name: description} of the kinds a scenario's `system:` may name."""
    return dict(_xpusim.system_kinds())


def _family(catalogs, family):
    if family not in catalogs:
        raise KeyError(f"unknown family {family!r} (expected one of: {', '.join(catalogs)})")
    return catalogs[family]
