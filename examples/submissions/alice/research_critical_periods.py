# Alice: projeto de pesquisa, aumento adaptativo (lotes aumentados um a um, SGD com momento).

import numpy as np
import torch
from torch import nn


def rotation_metric(init_state, state):
    if sorted(init_state) != sorted(state):
        raise ValueError("the dicts must have the same keys")
    distances = []
    for name in init_state:
        a = torch.as_tensor(init_state[name]).detach().flatten().double()
        b = torch.as_tensor(state[name]).detach().flatten().double()
        if a.numel() != b.numel():
            raise ValueError(f"{name}: sizes differ")
        if not a.any() or not b.any():
            raise ValueError(f"{name}: all-zero tensor")
        cosine = nn.functional.cosine_similarity(a, b, dim=0, eps=0.0).clamp(-1.0, 1.0)
        distances.append(1.0 - cosine.item())
    return sum(distances) / len(distances)


def _settled(history, threshold, patience):
    changes = np.abs(np.diff(np.asarray(history, dtype=float)))
    return any(
        bool(np.all(changes[i : i + patience] <= threshold))
        for i in range(len(changes) - patience + 1)
    )


def train_adaptive_augmentation(
    model, X, y, augment, k=4, epochs=8, threshold=0.01, patience=2, seed=0
):
    if min(k, epochs, patience) < 1:
        raise ValueError("k, epochs and patience must be >= 1")
    X = torch.tensor(np.asarray(X), dtype=torch.float32)
    y = torch.tensor(np.asarray(y), dtype=torch.int64)
    start = {n: p.detach().clone() for n, p in model.named_parameters()}
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    copies, history, log = k, [], []
    for epoch in range(epochs):
        model.train()
        for batch in np.array_split(rng.permutation(len(X)), max(1, len(X) // 32)):
            index = torch.from_numpy(batch)
            xb = torch.cat([X[index]] + [augment(X[index].clone()) for _ in range(copies - 1)])
            yb = y[index].repeat(copies)
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(xb), yb).backward()
            optimizer.step()
        history.append(rotation_metric(start, dict(model.named_parameters())))
        log.append({"epoch": epoch, "k": copies, "metric": history[-1]})
        if copies > 1 and _settled(history, threshold, patience):
            copies = 1
    model.eval()
    return model, log


# ### Resposta / Answer: metric_choice (P.3)
#
# Rodei as três métricas com as sementes 0 a 4. A rotação média estabiliza na época 4 ou 5 em todas
# as sementes; a confusão do gradiente oscila demais entre lotes e só dispara com limiar 0.1. Fico
# com a rotação: época detectada estável e perda de acurácia dentro da variação entre sementes.

# ### Resposta / Answer: agnostic_vs_early_stopping (P.3)
#
# A rotação não precisa de validação nem gasta dígitos rotulados; mede estabilidade dos pesos e não
# generalização. A parada antecipada precisa de dados separados e diz quando parar de treinar, não
# quando parar de aumentar os dados.

# ### Resposta / Answer: cost_tradeoff (P.3)
#
# Na tabela do corretor o k adaptativo processou cerca de 70% das amostras do k fixo com a mesma
# acurácia (diferença de 0.005) e FGSM um pouco menor; k = 1 é quatro vezes mais barato mas perde
# 3 pontos de acurácia e 10 de robustez. A energia e o CO2 dependem das hipóteses de potência e do
# fator da rede; as razões entre as linhas valem mais que os valores.
