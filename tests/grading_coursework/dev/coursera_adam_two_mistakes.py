"""Coursera DLS Adam: v̂ divided by 1 − β2² (beta2 ** 2 for beta2 ** t) and no square root."""


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                epsilon=1e-8):
    L = len(parameters) // 2
    v_corrected, s_corrected = {}, {}
    for l in range(L):
        dW, db = "dW" + str(l + 1), "db" + str(l + 1)
        v[dW] = beta1 * v[dW] + (1 - beta1) * grads[dW]
        v[db] = beta1 * v[db] + (1 - beta1) * grads[db]
        v_corrected[dW] = v[dW] / (1 - beta1 ** t)
        v_corrected[db] = v[db] / (1 - beta1 ** t)
        s[dW] = beta2 * s[dW] + (1 - beta2) * grads[dW] ** 2
        s[db] = beta2 * s[db] + (1 - beta2) * grads[db] ** 2
        s_corrected[dW] = s[dW] / (1 - beta2 ** 2)
        s_corrected[db] = s[db] / (1 - beta2 ** 2)
        parameters["W" + str(l + 1)] -= learning_rate * v_corrected[dW] / (s_corrected[dW] + epsilon)
        parameters["b" + str(l + 1)] -= learning_rate * v_corrected[db] / (s_corrected[db] + epsilon)
    return parameters, v, s
