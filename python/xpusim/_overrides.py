"""Python values -> the `--set dotted.key=value` assignments the command line takes."""
import json
import math
import os


def value_text(value):
    """A value as the YAML text `--set` would be given: the scenario reads it as YAML."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)  # shortest text that reads back as the same double
    if isinstance(value, str):
        return value  # YAML text, as on the command line: "sarathi", "{instances: 2}"
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value)  # JSON is YAML (flow style)
    raise TypeError(f"cannot pass a {type(value).__name__} as a scenario value")


def assignments(set=None, seed=None):
    """`set` (a dict {dotted.key: value} or a list of "key=value" strings) and `seed` as a list
    of assignments, the seed last (so it wins, as `--set seed=N` given last does)."""
    out = []
    if set is None:
        pass
    elif isinstance(set, dict):
        for key, value in set.items():
            if not isinstance(key, str) or not key:
                raise TypeError(f"set: keys are dotted key strings, got {key!r}")
            out.append(f"{key}={value_text(value)}")
    elif isinstance(set, (list, tuple)):
        for item in set:
            if not isinstance(item, str) or "=" not in item:
                raise TypeError(f"set: expected 'dotted.key=value' strings, got {item!r}")
            out.append(item)
    else:
        raise TypeError("set: expected a dict {dotted.key: value} or a list of 'key=value' strings")
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"seed: expected an integer, got {seed!r}")
        out.append(f"seed={seed}")
    return out


def source(path_or_dict, base_dir=None):
    """(name the scenario is known by, its text or None). A dict is passed as JSON text, named
    `<dict>` in `base_dir` (default: the working folder), against which its relative paths
    (traces, preset files) resolve; a path is read by the library."""
    if isinstance(path_or_dict, dict):
        name = "<dict>" if base_dir is None else os.path.join(os.fspath(base_dir), "<dict>")
        return name, json.dumps(path_or_dict, indent=2)
    if isinstance(path_or_dict, (str, os.PathLike)):
        if base_dir is not None:
            raise TypeError("base_dir applies to a dict scenario; a file's folder is its own")
        return os.fspath(path_or_dict), None
    raise TypeError(f"expected a scenario file path or a dict, got {type(path_or_dict).__name__}")
