# %% [markdown]
# # PCS 5022 — Capítulo 8: Aumento de dados e exemplos adversariais / Chapter 8: Data augmentation and adversarial examples
#
# **PT.** Este capítulo mede o que o aumento de dados acrescenta ao treino (8.1, 8.2) e usa o
# gradiente da perda em relação à **entrada** para fabricar exemplos adversariais (8.3, 8.4).
# Implemente as funções abaixo sem mudar nomes nem assinaturas (elas são o contrato com o corretor
# automático) e rode `grade check ch08_augmentation ch08_augmentation.py` para as verificações
# públicas. O corretor não confia em números que você informa: ele mede a acurácia dos modelos que
# você devolve em dígitos que ele guardou, ataca com o próprio FGSM e compara com o seu. Os modelos
# que ele passa são redes dele (MLPs sobre os dígitos 8x8 do scikit-learn, pixels em [0, 1]): as
# funções de ataque não podem alterar esses modelos (pesos, `.grad`, modo train/eval, `requires_grad`).
#
# **EN.** This chapter measures what data augmentation adds to training (8.1, 8.2) and uses the
# gradient of the loss with respect to the **input** to craft adversarial examples (8.3, 8.4).
# Implement the functions below without changing names or signatures (they are the contract with
# the autograder) and run `grade check ch08_augmentation ch08_augmentation.py` for the public checks.
# The grader trusts no number you report: it measures the accuracy of the models you return on
# digits it kept, attacks with its own FGSM and compares it with yours. The models it passes are its
# own networks (MLPs on scikit-learn's 8x8 digits, pixels in [0, 1]): the attack functions must not
# change them (weights, `.grad`, train/eval mode, `requires_grad`).

# %%
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch
from torch import nn

# %% [markdown]
# ## 8.2 Aumento de dados tabulares / Tabular data augmentation
#
# **PT.** Proponha um aumento de dados fora da visão computacional, para tabelas numéricas:
# `augment_tabular(X, y, seed)` recebe `X` (n, m) float e `y` (n,) rótulos inteiros (numpy) e
# devolve `(X_aug, y_aug)`, uma cópia aumentada de cada linha: `X_aug` com a forma de `X` e
# `y_aug` igual a `y` (a linha `i` de `X_aug` continua sendo da classe `y[i]`). Requisitos:
# a mesma `seed` dá o mesmo resultado e sementes diferentes dão resultados diferentes; a maioria
# das linhas muda (não é a identidade); a média de cada atributo quase não se move:
# |média_j(X_aug) − média_j(X)| ≤ 0.25 · desvio_j(X) (desvio populacional; um atributo constante
# fica constante); `X` e `y` não são modificados. Sugestões: ruído gaussiano proporcional ao desvio
# de cada atributo, *mixup* ou interpolação (SMOTE) dentro da mesma classe.
#
# **EN.** Propose a data augmentation outside computer vision, for numeric tables:
# `augment_tabular(X, y, seed)` takes `X` (n, m) float and `y` (n,) integer labels (numpy) and
# returns `(X_aug, y_aug)`, one augmented copy of every row: `X_aug` shaped like `X` and `y_aug`
# equal to `y` (row `i` of `X_aug` is still of class `y[i]`). Requirements: the same `seed` gives
# the same result and different seeds give different results; most rows change (it is not the
# identity); each feature's mean barely moves: |mean_j(X_aug) − mean_j(X)| ≤ 0.25 · std_j(X)
# (population std; a constant feature stays constant); `X` and `y` are left unmodified. Ideas:
# Gaussian noise proportional to each feature's std, *mixup* or interpolation (SMOTE) within a class.


# %%
def augment_tabular(X: np.ndarray, y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """One augmented copy of every row of ``X`` (same shape), with the labels ``y`` unchanged."""
    # BEGIN SOLUTION
    X = np.asarray(X, dtype=np.float64)
    rng = np.random.default_rng(seed)
    noise = rng.normal(size=X.shape) * (0.1 * X.std(axis=0))
    return X + noise, np.array(y, copy=True)
    # END SOLUTION


# %% [markdown]
# ### Resposta / Answer: tabular_augmentation_effectiveness (8.2)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
# BEGIN REMOVE
#
# **Resposta modelo.** Ruído gaussiano com 10% do desvio de cada atributo preserva a classe (é
# menor que a distância entre classes) e quase não move as médias (o deslocamento esperado é
# 0.1·desvio/√n). Para medir a efetividade: treinar o mesmo modelo com e sem as cópias, mesmas
# sementes, várias repetições, e comparar a acurácia em dados não vistos; o ganho aparece com
# poucos dados e some quando n é grande ou o ruído é grande demais (muda a classe).
#
# **Model answer.** Gaussian noise at 10% of each feature's std keeps the class (it is smaller
# than the distance between classes) and barely moves the means (expected shift 0.1·std/√n). To
# measure effectiveness: train the same model with and without the copies, same seeds, several
# repetitions, and compare held-out accuracy; the gain shows with little data and vanishes when n is
# large or the noise too large (it changes the class).
# END REMOVE

# %% [markdown]
# ## 8.1 Quantidade ou diversidade? / Quantity or diversity?
#
# **PT.** Monte o experimento que separa **quantidade** de **diversidade** com o mesmo número de
# passos de treino. `quantity_vs_diversity(X, y, n_small, k, seed)` recebe dígitos `X` (n, 64)
# float32 em [0, 1] e `y` (n,) e treina três modelos seus (qualquer `nn.Module` de `(m, 64)` para
# *logits* `(m, 10)`), todos vendo `n_small * k` amostras por época:
#
# - `"repetition"`: as primeiras `n_small` linhas, cada uma repetida `k` vezes;
# - `"diversity"`: as primeiras `n_small` linhas, cada uma uma vez como está e `k − 1` vezes
#   aumentada (um aumento seu, por exemplo o de 8.2);
# - `"quantity"`: as primeiras `n_small * k` linhas, distintas.
#
# Devolva `{"repetition": modelo, "diversity": modelo, "quantity": modelo}`, os modelos treinados
# (não números: o corretor mede a acurácia ele mesmo). Os dois primeiros não podem depender das
# linhas a partir de `n_small`; tudo o que for aleatório vem de `seed` (a mesma chamada dá os mesmos
# pesos); `len(X) < n_small * k` levanta `ValueError`. Mantenha barato (alguns décimos de segundo
# por modelo com `n_small = 50`, `k = 4`).
#
# **EN.** Build the experiment that separates **quantity** from **diversity** at the same number of
# training steps. `quantity_vs_diversity(X, y, n_small, k, seed)` takes digits `X` (n, 64) float32 in
# [0, 1] and `y` (n,) and trains three models of yours (any `nn.Module` from `(m, 64)` to logits
# `(m, 10)`), each seeing `n_small * k` samples per epoch:
#
# - `"repetition"`: the first `n_small` rows, each repeated `k` times;
# - `"diversity"`: the first `n_small` rows, each once as it is and `k − 1` times augmented (an
#   augmentation of yours, e.g. 8.2's);
# - `"quantity"`: the first `n_small * k` rows, all distinct.
#
# Return `{"repetition": model, "diversity": model, "quantity": model}`, the trained models (not
# numbers: the grader measures accuracy itself). The first two must not depend on rows from
# `n_small` on; everything random comes from `seed` (the same call gives the same weights);
# `len(X) < n_small * k` raises `ValueError`. Keep it cheap (a few tenths of a second per model with
# `n_small = 50`, `k = 4`).


# %%
def _digits_network(classes: int, seed: int) -> nn.Module:
    """64 -> 64 -> ReLU -> classes, initialised from ``seed``."""
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, classes))


def _fit(model: nn.Module, X: np.ndarray, y: np.ndarray, seed: int) -> nn.Module:
    inputs = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    targets = torch.as_tensor(np.asarray(y), dtype=torch.int64)
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    model.train()
    for _ in range(12):
        for batch in torch.randperm(len(inputs), generator=generator).split(32):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(inputs[batch]), targets[batch]).backward()
            optimizer.step()
    return model.eval()


def quantity_vs_diversity(
    X: np.ndarray, y: np.ndarray, n_small: int, k: int, seed: int
) -> dict[str, nn.Module]:
    """Three models trained on n_small * k samples: repeated, augmented and distinct rows."""
    # BEGIN SOLUTION
    X = np.asarray(X, dtype=np.float32)
    y = np.asarray(y, dtype=np.int64)
    if n_small < 1 or k < 1 or len(X) < n_small * k:
        raise ValueError(f"need at least n_small * k = {n_small * k} rows, got {len(X)}")
    classes = 10
    small_X, small_y = X[:n_small], y[:n_small]
    rng = np.random.default_rng(seed)
    scale = 0.1 * small_X.std(axis=0)
    jittered = [small_X + rng.normal(size=small_X.shape) * scale for _ in range(k - 1)]
    settings = {
        "repetition": (np.concatenate([small_X] * k), np.concatenate([small_y] * k)),
        "diversity": (np.concatenate([small_X, *jittered]), np.concatenate([small_y] * k)),
        "quantity": (X[: n_small * k], y[: n_small * k]),
    }
    return {
        name: _fit(_digits_network(classes, seed), inputs, labels, seed)
        for name, (inputs, labels) in settings.items()
    }
    # END SOLUTION


# %% [markdown]
# ### Resposta / Answer: quantity_vs_diversity_discussion (8.1)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
# BEGIN REMOVE
#
# **Resposta modelo.** Com o mesmo número de passos, "quantity" costuma vencer "diversity", que
# vence "repetition": amostras novas trazem informação nova; o aumento cria variações plausíveis
# das mesmas amostras (regulariza, mas não cria modos novos); a repetição só acrescenta passos.
# Para concluir é preciso repetir com várias sementes e valores de k e relatar média e desvio.
#
# **Model answer.** At the same number of steps, "quantity" usually beats "diversity", which beats
# "repetition": new samples carry new information; augmentation creates plausible variations of the
# same samples (it regularises but creates no new modes); repetition only adds steps. A conclusion
# needs several seeds and values of k, reporting mean and spread.
# END REMOVE

# %% [markdown]
# ## 8.3 FGSM, consistência sob escala e defesa no teste / FGSM, scaled consistency and a test-time defence
#
# **PT.** (a) `fgsm(model, x, y, eps)`: o ataque *Fast Gradient Sign Method*. `x` é um tensor
# float32 (n, d) com valores em [0, 1], `y` (n,) int64 os rótulos verdadeiros. Devolva
# `x_adv = clamp(x + eps · sinal(∇_x L(model(x), y)), 0, 1)`, com `L` a entropia cruzada: o
# gradiente é em relação à **entrada**, não aos pesos. Então `‖x_adv − x‖_∞ ≤ eps`, `x_adv` fica
# em [0, 1] e a perda aumenta. Não altere `model` (pesos, `.grad` dos parâmetros, modo train/eval,
# `requires_grad`) nem `x` e `y`.
#
# (b) `scaleup_consistency(model, x, scales)`: a pontuação de consistência sob escala (*scaled
# prediction consistency*, SCALE-UP, Guo et al. 2023, Eq. 2). Para cada amostra, a fração das
# escalas `s` em `scales` para as quais a classe prevista de `clamp(s · x, 0, 1)` é igual à classe
# prevista de `x`: um array numpy (n,) em [0, 1], 1 quando a previsão nunca muda.
#
# (c) `tta_predict(model, x, n, seed)`: uma defesa por aumento de dados **no teste**: prediga cada
# amostra a partir de `n` cópias aumentadas (por exemplo ruído, escala ou deslocamento), combinadas
# como quiser (média das probabilidades, voto), e devolva os rótulos (n_amostras,) inteiros;
# determinística por `seed`; sem alterar o modelo. O corretor mede a acurácia com e sem a defesa,
# em dígitos limpos e atacados pelo FGSM dele, e mostra a tabela no relatório.
#
# **EN.** (a) `fgsm(model, x, y, eps)`: the Fast Gradient Sign Method. `x` is a float32 tensor
# (n, d) with values in [0, 1], `y` (n,) int64 the true labels. Return
# `x_adv = clamp(x + eps · sign(∇_x L(model(x), y)), 0, 1)`, with `L` the cross-entropy: the
# gradient is with respect to the **input**, not the weights. Hence `‖x_adv − x‖_∞ ≤ eps`, `x_adv`
# stays in [0, 1] and the loss increases. Do not change `model` (weights, the parameters' `.grad`,
# train/eval mode, `requires_grad`), `x` or `y`.
#
# (b) `scaleup_consistency(model, x, scales)`: the scaled prediction consistency score (SCALE-UP,
# Guo et al. 2023, Eq. 2). For every sample, the fraction of the scales `s` in `scales` for which the
# predicted class of `clamp(s · x, 0, 1)` equals the predicted class of `x`: a numpy array (n,) in
# [0, 1], 1 when the prediction never changes.
#
# (c) `tta_predict(model, x, n, seed)`: a **test-time** augmentation defence: predict every sample
# from `n` augmented copies (noise, scaling or shifts, for example), combined as you like (mean of
# the probabilities, a vote), and return the labels (n_samples,) as integers; deterministic per
# `seed`; the model left unchanged. The grader measures accuracy with and without the defence, on
# clean digits and on digits attacked by its own FGSM, and shows the table in the report.


# %%
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One signed-gradient step of size ``eps`` on the input, clamped to [0, 1]."""
    # BEGIN SOLUTION
    inputs = torch.as_tensor(x, dtype=torch.float32).detach().clone().requires_grad_(True)
    labels = torch.as_tensor(y, dtype=torch.int64)
    loss = nn.functional.cross_entropy(model(inputs), labels)
    (gradient,) = torch.autograd.grad(loss, inputs)
    return torch.clamp(inputs.detach() + eps * gradient.sign(), 0.0, 1.0)
    # END SOLUTION


def scaleup_consistency(model: nn.Module, x: torch.Tensor, scales: Sequence[float]) -> np.ndarray:
    """Per sample, the fraction of scales whose prediction on clamp(s * x) equals that on x."""
    # BEGIN SOLUTION
    inputs = torch.as_tensor(x, dtype=torch.float32)
    with torch.no_grad():
        original = model(inputs).argmax(dim=1)
        agree = [
            (model(torch.clamp(float(s) * inputs, 0.0, 1.0)).argmax(dim=1) == original).double()
            for s in scales
        ]
    return torch.stack(agree).mean(dim=0).numpy()
    # END SOLUTION


def tta_predict(model: nn.Module, x: torch.Tensor, n: int, seed: int) -> np.ndarray:
    """Labels from the mean softmax over ``n`` noisy copies of every sample."""
    # BEGIN SOLUTION
    inputs = torch.as_tensor(x, dtype=torch.float32)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        probabilities = torch.zeros(())
        for _ in range(n):
            noise = 0.15 * torch.randn(inputs.shape, generator=generator)
            copy = torch.clamp(inputs + noise, 0.0, 1.0)
            probabilities = probabilities + model(copy).softmax(dim=1)
    return probabilities.argmax(dim=1).numpy()
    # END SOLUTION


# %% [markdown]
# ### Resposta / Answer: test_time_defence (8.3)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
# BEGIN REMOVE
#
# **Resposta modelo.** O FGSM explora a direção local do gradiente; médias sobre cópias com ruído
# suavizam a função de decisão e desfazem parte da perturbação (ganho modesto contra eps pequeno,
# quase nenhum contra um ataque adaptativo que ataca a média). A consistência sob escala separa
# benignas de adversariais quando a classe adversarial é frágil à ampliação: um limiar na
# pontuação vira um detector, cujo custo são falsos positivos em amostras limpas.
#
# **Model answer.** FGSM exploits the local gradient direction; averaging over noisy copies smooths
# the decision function and undoes part of the perturbation (a modest gain against small eps, almost
# none against an adaptive attack on the average). Scaled consistency separates benign from
# adversarial inputs when the adversarial class is fragile under amplification: a threshold on the
# score becomes a detector, at the cost of false positives on clean samples.
# END REMOVE

# %% [markdown]
# ## 8.4 FGSM a partir de amostras destiladas / FGSM from distilled samples
#
# **PT.** Em vez do gradiente na própria amostra `x`, use o de uma amostra destilada (IPC = 1) da
# classe `c`: `x' = clamp(x + eps · sinal(∇_{x_c} L(model(x_c), c)), 0, 1)`. O rótulo `c` que a
# fórmula exige é a classe **prevista** pelo modelo para `x` (o ataque não recebe rótulos
# verdadeiros). `fgsm_from_distilled(model, x, distilled, eps)` recebe `x` (n, d) float32 em
# [0, 1] e `distilled`, um dicionário classe (int) -> amostra destilada (tensor (d,)), e devolve
# `x'` (n, d). Amostras com a mesma classe prevista recebem a mesma perturbação (antes do
# `clamp`). O resultado não pode depender de rótulo algum (o corretor confere que ele não muda
# quando os rótulos passados a outras funções mudam). Não altere `model`, `x` nem `distilled`. O
# corretor usa como amostras destiladas as médias de classe dos dígitos de treino e compara, no
# relatório, a acurácia sob este ataque e sob o FGSM comum.
#
# **EN.** Instead of the gradient at the sample `x` itself, use the one at a distilled sample
# (IPC = 1) of class `c`: `x' = clamp(x + eps · sign(∇_{x_c} L(model(x_c), c)), 0, 1)`. The label
# `c` the formula needs is the class the model **predicts** for `x` (the attack receives no true
# labels). `fgsm_from_distilled(model, x, distilled, eps)` takes `x` (n, d) float32 in [0, 1] and
# `distilled`, a dict class (int) -> distilled sample (tensor (d,)), and returns `x'` (n, d).
# Samples with the same predicted class get the same perturbation (before the clamp). The result
# may not depend on any label (the grader checks that it does not change when the labels passed to
# other functions change). Leave `model`, `x` and `distilled` unmodified. The grader uses the class
# means of the training digits as distilled samples and compares, in the report, the accuracy under
# this attack and under plain FGSM.


# %%
def fgsm_from_distilled(
    model: nn.Module, x: torch.Tensor, distilled: Mapping[int, torch.Tensor], eps: float
) -> torch.Tensor:
    """FGSM whose sign comes from the distilled sample of each input's predicted class."""
    # BEGIN SOLUTION
    inputs = torch.as_tensor(x, dtype=torch.float32)
    with torch.no_grad():
        predicted = model(inputs).argmax(dim=1)
    directions = {}
    for c in predicted.unique().tolist():
        base = torch.as_tensor(distilled[c], dtype=torch.float32).reshape(1, -1).clone()
        base.requires_grad_(True)
        loss = nn.functional.cross_entropy(model(base), torch.tensor([c]))
        (gradient,) = torch.autograd.grad(loss, base)
        directions[c] = gradient[0].sign()
    step = torch.stack([directions[c] for c in predicted.tolist()])
    return torch.clamp(inputs + eps * step, 0.0, 1.0)
    # END SOLUTION


# %% [markdown]
# ### Resposta / Answer: distilled_fgsm_questions (8.4)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
# BEGIN REMOVE
#
# **Resposta modelo.** (i) Sim, em parte: o sinal do gradiente na amostra destilada da classe
# prevista é uma perturbação universal por classe; derruba a acurácia bem menos que o FGSM na
# própria amostra (a tabela do corretor mostra a diferença), mas não precisa do gradiente de cada
# x: um gradiente por classe. (ii) A transferência para outras arquiteturas depende de quanto as
# amostras destiladas codificam características da classe e não do modelo que as gerou; mede-se
# atacando um segundo modelo com as mesmas perturbações.
#
# **Model answer.** (i) Partly: the gradient sign at the predicted class's distilled sample is a
# per-class universal perturbation; it lowers accuracy much less than FGSM at the sample itself (the
# grader's table shows the gap), but needs no gradient per x: one per class. (ii) Transfer to other
# architectures depends on how much the distilled samples encode the class rather than the model
# that made them; measure it by attacking a second model with the same perturbations.
# END REMOVE
