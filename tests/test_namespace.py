"""Issue 15, item 7: ``numopt``'s namespace holds what the README says, and nothing shadows a module.

``numopt.run`` is the function (``numopt.run("adam", "rosenbrock", 100)``); the
module that defines it is :mod:`numopt.runner`. A module and a function of
the same name made ``import numopt.run as r`` give the function, or replace it
by the module, depending on what had been imported before.
"""

import importlib
import importlib.util
import pkgutil

import numopt
import numopt.runner


def test_run_is_the_function_and_runner_the_module():
    assert callable(numopt.run) and numopt.run is numopt.runner.run
    assert importlib.util.find_spec("numopt.run") is None


def test_no_submodule_shares_its_name_with_another_attribute():
    public = {name: getattr(numopt, name) for name in numopt.__all__}
    for info in pkgutil.iter_modules(numopt.__path__):
        if info.name == "__main__":
            continue
        module = importlib.import_module(f"numopt.{info.name}")
        assert getattr(numopt, info.name) is module, f"numopt.{info.name} is not the module {module.__name__}"
    assert {name: getattr(numopt, name) for name in numopt.__all__} == public


def test_dir_shows_no_future_import():
    assert "annotations" not in dir(numopt)
    assert set(numopt.__all__) <= set(dir(numopt))
