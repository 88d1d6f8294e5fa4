"""numopt's Adam under my name."""
import numopt


class Adam(numopt.Adam):
    pass
