#!/usr/bin/env python3
"""Gradient descent, Coursera DLS course 2 week 2 `update_parameters_with_gd`, f-string keys: correct."""


def update_parameters_with_gd(parameters, grads, learning_rate):
    n_layers = len(parameters) // 2
    for l in range(1, n_layers + 1):
        parameters[f"W{l}"] = parameters[f"W{l}"] - learning_rate * grads[f"dW{l}"]
        parameters[f"b{l}"] = parameters[f"b{l}"] - learning_rate * grads[f"db{l}"]
    return parameters
