"""Coursera-style momentum, layers numbered from 0; returns only the parameters (v changes in place)."""
from numpy import zeros


def initialize_velocity(params):
    return {"d" + p + str(i): zeros(params[p + str(i)].shape) for i in range(len(params) // 2) for p in "Wb"}


def update_parameters_with_momentum(params, grads, v, beta, learning_rate):
    for l in range(len(params) // 2):
        v["dW" + str(l)] = beta * v["dW" + str(l)] + (1 - beta) * grads["dW" + str(l)]
        v["db" + str(l)] = beta * v["db" + str(l)] + (1 - beta) * grads["db" + str(l)]
        params["W" + str(l)] = params["W" + str(l)] - learning_rate * v["dW" + str(l)]
        params["b" + str(l)] = params["b" + str(l)] - learning_rate * v["db" + str(l)]
    return params
