"""How much of a script the interpreter follows: each construct has its own budget; past it, the
construct is summarised (what it assigns becomes unknown) and the analysis goes on. The file-wide
limits are the last resort, reported as an analysis cut short. Read at use (``budgets.X``), so a
test can lower one."""

MAX_STEPS = 400_000  # statements per file
MAX_SECONDS = 8.0  # CPU time of one file's interpretation (the analysis thread's: a loaded machine does not cut it short)
MAX_DEPTH = 60  # user-function call depth: bounds recursion
MAX_ITERATIONS = 2_000  # iterations of one loop before it is summarised
LOOP_STEPS = 10_000  # statements one loop may run before it is summarised
MAX_ITEMS = 100_000  # a sequence built from ``[0] * n`` or ``"-" * n``
MAX_BITS = 10_000  # an integer from ``**`` or ``<<``
EXPLORE_FUNCTIONS = 200  # uncalled functions explored after the script's own run
EXPLORE_SECONDS = 2.0  # CPU time for that exploration
