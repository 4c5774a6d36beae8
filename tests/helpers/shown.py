"""What a styled table prints on screen, as AppTest receives it: the Styler's display values, not the numbers behind
them (a matrix cell is the number 121.0, printed "121.0% ▲ above")."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa


def printed(element: object, index: str | None = None) -> pd.DataFrame:
    """The cells of an AppTest dataframe `element` as the reader sees them, indexed by the `index` column if given."""
    styler = element.proto.arrow_data.styler  # type: ignore[attr-defined]
    table = pa.ipc.open_stream(styler.display_values).read_all().to_pandas()
    return table.set_index(index) if index else table
