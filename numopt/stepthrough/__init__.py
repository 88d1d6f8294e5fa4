r"""Step through one update: every line of the algorithm box with the numbers it produced.

::

    explanation = numopt.explain(numopt.Adam(lr=0.1), np.array([1.0, 2.0]), np.array([0.1, -0.2]))
    explanation                        # in a notebook: a table, box line in LaTeX | code | values
    print(explanation)                 # the same table as text
    explanation.value_of("m_hat")      # array([ 0.1, -0.2])
    numopt explain adam --hp lr=0.1 --params 1,2 --grads 0.1,-0.2 --steps 3

How it works. :func:`explain` deep-copies the optimizer and the params and
calls the copy's own ``step`` on them, so the numbers come from the same
``_update`` code as a real step, not from a second copy of the mathematics.
While it runs, a trace function (``sys.settrace``) watches the frame of
``_update``: before each statement that carries a box line (found by
:mod:`numopt.box`) it evaluates the statement's scalar sub-expressions
(``1 - beta1 ** t``, ``1 - lr * weight_decay``: the parts built only from
hyperparameters, ``t`` and ``lr``, evaluated from the statement's own text),
and after it reads the variables the statement assigned (``m_hat``, or ``m``
for ``m[...] = ...``, whose state array is read after the write) and copies
them. What is shown is therefore: the assigned value of every executed box
line, and its scalar sub-expressions; intermediate *array* sub-expressions
(``lr * m_hat``) are not shown. Box lines of other variants are listed as
skipped. The caller's optimizer, its state and the params are not changed
unless ``advance=True``: then, once every step has succeeded, the params and
the optimizer's ``t`` and state become those of the copies (the same bits as
``step``), all of them or, if a step raised, none. The gradients are handed to
the copy's ``step`` as given, not copied, so that a strided or transposed
gradient is read in the same order as by ``step`` (a sum over it, such as the
Funnel's ⟨g, ν⟩, may round differently over a contiguous copy).

Blocking. A real step hands a large array (more than a block,
``numopt.guard.BLOCK_BYTES``) to ``_update`` in blocks. The copy explained here is told to update whole
arrays instead (its ``elementwise`` attribute is set to ``False`` on the
copy only; nothing global is patched), so every line records the whole
array. Elementwise arithmetic gives the same bits however the array is cut,
and the tests check that ``explain`` and ``step`` agree bitwise.

The package, by concern: :mod:`.record` the data model (:class:`Explanation`
and its lines), :mod:`.tracer` :func:`explain` and the trace of ``_update``,
:mod:`.render` the text, Markdown, HTML and JSON forms, :mod:`.command` the
``numopt explain`` command (imported by the command line only).
"""

from .record import Difference, Explanation, Line, Step
from .tracer import explain

__all__ = ["Difference", "Explanation", "Line", "Step", "explain"]
