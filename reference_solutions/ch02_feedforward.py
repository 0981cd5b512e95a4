# %% [markdown]
# # PCS 5022 — Capítulo 2: Redes feedforward / Chapter 2: Feedforward networks
#
# **PT.** Implemente as funções abaixo sem mudar nomes nem assinaturas. Use PyTorch (`torch.nn`) e,
# onde indicado, scikit-learn. Rode `grade check ch02_feedforward ch02_feedforward.py` para as
# verificações públicas; as ocultas testam formas, equivalências e comportamento de treino.
#
# **EN.** Implement the functions below without changing names or signatures. Use PyTorch
# (`torch.nn`) and, where stated, scikit-learn. Run `grade check ch02_feedforward ch02_feedforward.py`
# for the public checks; hidden ones test shapes, equivalences and training behaviour.

# %%
from __future__ import annotations

import numpy as np
import torch
from torch import nn

# %% [markdown]
# ## 2.1 MLP com larguras em potência / MLP with power widths
#
# **PT.** Dados inteiros `n` e `k`, construa um MLP com `n` camadas ocultas `nn.Linear` em que a
# i-ésima camada oculta (i = 1..n) tem `k**i` neurônios, uma não linearidade entre camadas, e uma
# camada linear final para `out_features`. `n < 1` ou `k < 1` levantam `ValueError`.
#
# **EN.** Given integers `n` and `k`, build an MLP with `n` hidden `nn.Linear` layers where hidden
# layer i (i = 1..n) has `k**i` units, a nonlinearity between layers, and a final linear layer to
# `out_features`. `n < 1` or `k < 1` raise `ValueError`.


# %%
def make_power_mlp(in_features: int, n: int, k: int, out_features: int) -> nn.Module:
    """MLP: in -> k -> k**2 -> ... -> k**n -> out, with a nonlinearity after each hidden layer."""
    # BEGIN SOLUTION
    if n < 1 or k < 1:
        raise ValueError(f"n and k must be at least 1, got n={n}, k={k}")
    layers: list[nn.Module] = []
    width = in_features
    for i in range(1, n + 1):
        layers += [nn.Linear(width, k**i), nn.ReLU()]
        width = k**i
    layers.append(nn.Linear(width, out_features))
    return nn.Sequential(*layers)
    # END SOLUTION


# %% [markdown]
# ## 2.2 PCA como camada linear / PCA as a linear layer
#
# **PT.** Uma projeção linear como o PCA pode ser escrita como $x W^T + b$. Escreva
# `pca_to_linear(pca)`, que recebe um `sklearn.decomposition.PCA` já ajustado e devolve uma
# `nn.Linear` com `layer(X) == pca.transform(X)` (a menos do arredondamento de float32), com e sem
# `whiten`, para um PCA ajustado em dados float64 ou float32. Observe como `components_` é armazenada
# (linhas ou colunas?) e que transformações o PCA aplica aos dados antes de projetar.
#
# **EN.** A linear projection such as PCA can be written as $x W^T + b$. Write `pca_to_linear(pca)`,
# which takes a fitted `sklearn.decomposition.PCA` and returns an `nn.Linear` with
# `layer(X) == pca.transform(X)` (up to float32 rounding), with and without `whiten`, for a PCA fitted
# on float64 or float32 data. Mind how `components_` is stored (rows or columns?) and what PCA does to
# the data before projecting.


# %%
def pca_to_linear(pca) -> nn.Linear:
    """An nn.Linear computing exactly pca.transform (centring and whitening included)."""
    # BEGIN SOLUTION
    components = np.asarray(pca.components_, dtype=np.float64)
    scale = np.ones(components.shape[0])
    if pca.whiten:
        scale = np.sqrt(np.asarray(pca.explained_variance_, dtype=np.float64))
    weight = components / scale[:, None]
    bias = -(components @ np.asarray(pca.mean_, dtype=np.float64)) / scale
    layer = nn.Linear(components.shape[1], components.shape[0])
    with torch.no_grad():
        layer.weight.copy_(torch.as_tensor(weight, dtype=layer.weight.dtype))
        layer.bias.copy_(torch.as_tensor(bias, dtype=layer.bias.dtype))
    return layer
    # END SOLUTION


# %% [markdown]
# ## 2.3 Memorizando rótulos aleatórios / Memorising random labels
#
# **PT.** Modelos superparametrizados conseguem classificar dados com rótulos aleatórios (Zhang et
# al., ICLR 2017). Escreva `memorize_random_labels(X, n_classes, seed)` (`X` em float64 ou float32):
# sorteie rótulos uniformes em `0..n_classes-1` (cada classe com n/n_classes amostras, ±50%),
# independentes de `X` (só dependem de `seed`: a mesma semente dá os mesmos rótulos para qualquer
# `X` da mesma forma; classificadores treinados em parte de `(X, y_aleatorio)` devem acertar no
# máximo 0,15 acima do acaso no resto), treine um MLP com mais parâmetros que amostras até
# memorizá-los e devolva `(modelo, y_aleatorio)`, o modelo em modo eval (a predição de uma amostra
# não pode depender das outras amostras do lote). O corretor mede a acurácia de treino ele mesmo:
# nota cheia a partir de 0,95, nenhuma em 0,5 ou menos, linear entre os dois. Discuta: é uma
# propriedade boa ou ruim? (parte escrita)
#
# **EN.** Over-parameterised models can fit randomly labelled data (Zhang et al., ICLR 2017). Write
# `memorize_random_labels(X, n_classes, seed)` (`X` float64 or float32): draw labels uniformly from
# `0..n_classes-1` (each class gets n/n_classes samples, ±50%), independent of `X` (they depend only
# on `seed`: the same seed gives the same labels for any `X` of the same shape; classifiers trained
# on part of `(X, y_random)` must score at most 0.15 above chance on the rest), train an MLP with
# more parameters than samples until it memorises them, and return `(model, y_random)`, the model in
# eval mode (a sample's prediction must not depend on the other samples of the batch). The grader
# measures training accuracy itself: full points from 0.95, none at 0.5 or below, linear in between.
# Discuss: is this a good or a bad property? (written part)


# %%
def memorize_random_labels(
    X: np.ndarray, n_classes: int, seed: int
) -> tuple[nn.Module, np.ndarray]:
    """Random labels for X and an MLP trained to fit them (returned in eval mode)."""
    # BEGIN SOLUTION
    X = np.asarray(X, dtype=np.float32)
    rng = np.random.default_rng(seed)
    y_random = rng.integers(0, n_classes, size=len(X))
    torch.manual_seed(seed)
    model = nn.Sequential(
        nn.Linear(X.shape[1], 256),
        nn.ReLU(),
        nn.Linear(256, 256),
        nn.ReLU(),
        nn.Linear(256, n_classes),
    )
    inputs = torch.from_numpy(X)
    targets = torch.from_numpy(y_random)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(1000):
        optimizer.zero_grad()
        logits = model(inputs)
        loss = nn.functional.cross_entropy(logits, targets)
        loss.backward()
        optimizer.step()
        if (logits.argmax(dim=1) == targets).float().mean() == 1.0:
            break
    model.eval()
    return model, y_random
    # END SOLUTION


# %% [markdown]
# ### Resposta / Answer: memorization_discussion (2.3)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
# BEGIN REMOVE
#
# **Resposta modelo.** Não é boa nem ruim em si: mostra que a classe de modelos tem capacidade para
# memorizar qualquer rotulagem (Zhang et al., 2017), logo medidas de capacidade (VC, Rademacher) não
# explicam por que esses modelos generalizam com rótulos verdadeiros. A generalização vem da
# estrutura dos dados e do viés implícito do treino (o SGD aprende primeiro padrões simples e
# compartilhados), não da incapacidade de memorizar. O lado ruim: com rótulos ruidosos a rede também
# memoriza o ruído (acurácia de treino 100%, teste no acaso), por isso regularização, parada
# antecipada e validação continuam necessárias.
#
# **Model answer.** It is neither good nor bad in itself: it shows that the model class can memorise
# any labelling (Zhang et al., 2017), so capacity measures (VC, Rademacher) cannot explain why these
# models generalise on true labels. Generalisation comes from the structure of the data and the
# implicit bias of training (SGD learns simple, shared patterns first), not from an inability to
# memorise. The bad side: with noisy labels the network memorises the noise too (100% training
# accuracy, chance on test), hence regularisation, early stopping and validation remain necessary.
# END REMOVE
