"""CSV outputs of a run as pandas DataFrames, or as lists of dict records without pandas."""
import csv
import os
import re

_INT = re.compile(r"^[+-]?\d+$")


def pandas_available():
    try:
        import pandas  # noqa: F401
    except ImportError:
        return False
    return True


def want_frames(as_frames):
    """None: DataFrames when pandas imports; True: DataFrames (pandas required); False: records."""
    if as_frames is None:
        return pandas_available()
    if as_frames and not pandas_available():
        raise ImportError("as_frames=True needs pandas (Debian: python3-pandas)")
    return bool(as_frames)


def _cell(text):
    """A CSV cell as int, float or str; an empty cell is None."""
    if text == "":
        return None
    if _INT.match(text):
        return int(text)
    try:
        return float(text)
    except ValueError:
        return text


def records_from_text(text):
    """CSV text (RFC 4180, header first) -> [{column: value}]."""
    return [{k: _cell(v) for k, v in row.items()} for row in csv.DictReader(text.splitlines())]


def read_table(path, frames):
    """One CSV file as a DataFrame (frames) or a list of records."""
    if frames:
        import pandas

        return pandas.read_csv(path)
    with open(path, newline="", encoding="utf-8") as f:
        return records_from_text(f.read())


def table_from_text(text, frames):
    if frames:
        import io

        import pandas

        return pandas.read_csv(io.StringIO(text))
    return records_from_text(text)


def read_tables(folder, frames):
    """Every *.csv of a run's output folder by file stem, in name order."""
    tables = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith(".csv"):
            tables[name[:-4]] = read_table(os.path.join(folder, name), frames)
    return tables
