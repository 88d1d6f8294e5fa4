"""Golden data of torch.optim trajectories and the helpers shared by make_golden.py and tests/test_reference.py."""
