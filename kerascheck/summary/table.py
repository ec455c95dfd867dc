"""Draw a summary table byte for byte as Keras 3.15 + rich print it (see keras/src/utils/summary_utils.py).

INTERFACE (implementation pending):

    @dataclass
    class Row:
        name: str            # layer name, e.g. "dense_1"
        class_name: str      # e.g. "Dense"; the cell shows f"{name} ({class_name})"
        shape: str           # already formatted: "(None, 64)", "?", "[(None, 5), (None, 4)]"
        params: str          # already formatted: "50,240", "0 (unbuilt)", "0"
        connected: str = "-" # 4-column layout only: "dense[0][0], input_layer[0][0]" or "-"
        trainable: str = "-" # show_trainable only: "Y", "N" or "-"
        nesting: int = 0     # expand_nested depth: prefix "   " * nesting + "└ "

    @dataclass
    class Totals:   # counts and byte sizes
        total: int; total_bytes: float; trainable: int; trainable_bytes: float
        non_trainable: int; non_trainable_bytes: float
        optimizer: tuple[int, float] | None = None

    def render(model_name: str, rows: list[Row], totals: Totals, *, functional: bool,
               line_length: int | None = None, show_trainable: bool = False,
               columns: int | None = None) -> str
        # whole text as Keras prints it, ending in exactly one "\n"; line_length None -> Keras's default
"""
