# %% [markdown]
# # PCS 5022 — Capítulo 3: Hiperparâmetros básicos / Chapter 3: Basic hyperparameters
#
# **PT.** Implemente as funções e classes abaixo sem mudar nomes nem assinaturas (elas são o
# contrato com o corretor automático). Use PyTorch e numpy. Rode
# `grade check ch03_hyperparameters ch03_hyperparameters.py` para as verificações públicas; as
# ocultas testam propriedades: gradientes contra o autograd, estabilidade numérica em entradas
# extremas, comportamento de treino medido pelo próprio corretor. Os exercícios com (★) são
# propostas abertas: além do código, escreva a discussão pedida numa célula de texto (avaliada
# por um monitor).
#
# **EN.** Implement the functions and classes below without changing their names or signatures
# (they are the contract with the autograder). Use PyTorch and numpy. Run
# `grade check ch03_hyperparameters ch03_hyperparameters.py` for the public checks; hidden ones test
# properties: gradients against autograd, numerical stability on extreme inputs, training
# behaviour measured by the grader itself. Starred (★) exercises are open proposals: besides the
# code, write the requested discussion in a text cell (scored by a TA).

# %%
from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.optim.lr_scheduler import LRScheduler

# %% [markdown]
# ## 3.1 Grafos computacionais e gradientes à mão / Computational graphs and hand-derived gradients
#
# **PT.** Desenhe (no papel) o grafo computacional de cada expressão e derive, pela regra da
# cadeia, as derivadas parciais da saída em relação a cada entrada. Depois implemente o passo
# *backward* de cada grafo: dado o gradiente `grad_y` = ∂L/∂y que chega à saída (um tensor com a
# forma de `y`), devolva ∂L/∂(cada entrada), cada um **com a forma da sua entrada**. Use apenas
# aritmética de tensores com as fórmulas que você derivou: **nada de autograd** (`backward`,
# `torch.autograd.grad`, `torch.func`...). O corretor chama suas funções dentro de
# `torch.no_grad()` e compara o resultado com o autograd em entradas aleatórias de várias formas,
# em float32 e em float64, com uma amostra (`n = 1`) ou várias (tolerância relativa 1e-5 em
# float64, 1e-4 em float32).
#
# 1. `y = 2 * (a - b) + c`, com `a`, `b`, `c` e `y` de uma mesma forma qualquer (elemento a elemento).
# 2. `y = x^T w + b` para um lote: `x` tem forma `(n, d)` (uma amostra por linha), `w` forma `(d,)`,
#    `b` é um escalar (tensor 0-d) e `y_i = x_i^T w + b` tem forma `(n,)`.
# 3. `y = ((x - mu) / sigma) * gamma + delta`: `x` tem forma `(n, d)`; `mu`, `sigma > 0`, `gamma` e
#    `delta` têm forma `(d,)` e valem para todas as linhas (broadcast). `mu` e `sigma` são entradas
#    independentes (não são calculadas a partir de `x`). Lembre que uma entrada usada em todas as
#    linhas recebe a soma das contribuições de todas as linhas.
#
# **EN.** Draw (on paper) the computational graph of each expression and derive, with the chain
# rule, the partial derivatives of the output with respect to every input. Then implement each
# graph's *backward* step: given the gradient `grad_y` = ∂L/∂y arriving at the output (a tensor
# shaped like `y`), return ∂L/∂(each input), each **shaped like its input**. Use plain tensor
# arithmetic with the formulas you derived: **no autograd** (`backward`, `torch.autograd.grad`,
# `torch.func`...). The grader calls your functions inside `torch.no_grad()` and compares them with
# autograd on random inputs of several shapes, in float32 and in float64, with one sample (`n = 1`)
# or several (relative tolerance 1e-5 in float64, 1e-4 in float32).
#
# 1. `y = 2 * (a - b) + c`, with `a`, `b`, `c` and `y` of one arbitrary shape (elementwise).
# 2. `y = x^T w + b` for a batch: `x` has shape `(n, d)` (one sample per row), `w` shape `(d,)`,
#    `b` is a scalar (0-d tensor) and `y_i = x_i^T w + b` has shape `(n,)`.
# 3. `y = ((x - mu) / sigma) * gamma + delta`: `x` has shape `(n, d)`; `mu`, `sigma > 0`, `gamma`
#    and `delta` have shape `(d,)` and apply to every row (broadcasting). `mu` and `sigma` are
#    independent inputs (not computed from `x`). Remember that an input used by every row receives
#    the sum of every row's contribution.
#
# (**PT.** O exercício 3.2 da lista pede ∂g/∂b num grafo dado por figura: faça-o no papel; ele não
# é corrigido aqui. **EN.** Exercise 3.2 of the list asks for ∂g/∂b on a graph given as a figure:
# do it on paper; it is not graded here.)


# %%
def grad_combination(
    a: torch.Tensor, b: torch.Tensor, c: torch.Tensor, grad_y: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Backward of ``y = 2 * (a - b) + c``: returns ``(dL/da, dL/db, dL/dc)``."""
    raise NotImplementedError("Implemente esta função / implement this function")


def grad_linear(
    x: torch.Tensor, w: torch.Tensor, b: torch.Tensor, grad_y: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Backward of ``y = x @ w + b`` (x: (n, d), w: (d,), b: 0-d): returns ``(dL/dx, dL/dw, dL/db)``."""
    raise NotImplementedError("Implemente esta função / implement this function")


def grad_normalization(
    x: torch.Tensor,
    mu: torch.Tensor,
    sigma: torch.Tensor,
    gamma: torch.Tensor,
    delta: torch.Tensor,
    grad_y: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Backward of ``y = ((x - mu) / sigma) * gamma + delta``.

    Returns ``(dL/dx, dL/dmu, dL/dsigma, dL/dgamma, dL/ddelta)``, each shaped like its input.
    """
    raise NotImplementedError("Implemente esta função / implement this function")


# %% [markdown]
# ## 3.3 (★) Um *learning rate scheduler* proposto / A proposed learning-rate scheduler
#
# **PT.** Proponha uma política de taxa de aprendizado e implemente-a como subclasse de
# `torch.optim.lr_scheduler.LRScheduler`, chamada `ProposedScheduler(optimizer, total_steps)`
# (`total_steps` é o número planejado de chamadas a `step()`; você pode acrescentar parâmetros com
# valor padrão). Implemente `get_lr()` em função de `self.last_epoch` (o número de passos já dados)
# e de `self.base_lrs` (as taxas iniciais de cada grupo de parâmetros). O corretor constrói o
# otimizador (SGD, às vezes com dois grupos de parâmetros de taxas diferentes), chama
# `optimizer.step()` e `scheduler.step()` como num laço de treino e exige:
# - taxas finitas e **estritamente positivas** em todo passo, inclusive **além** de `total_steps`
#   (treinos costumam durar mais que o planejado: use um piso, como `min_lr`);
# - uma política que não seja constante ao longo de `total_steps` passos: em todo grupo de
#   parâmetros a taxa varia mais de 1% do seu maior valor;
# - a taxa de cada grupo segue da sua própria taxa inicial (`self.base_lrs[i]`) e do passo: com os
#   mesmos grupos em outra ordem, as taxas trocam de lugar;
# - *checkpoint*: um `ProposedScheduler` novo que recebe `load_state_dict(...)` (e um otimizador que
#   recebe o estado do antigo) continua exatamente com as mesmas taxas, qualquer que seja o passo
#   do *checkpoint* (antes, em ou depois de `total_steps`). Guarde todo o estado em atributos da
#   instância (eles entram no `state_dict()` padrão), nada em variáveis globais.
#
# Essas propriedades só são avaliadas para uma política determinística (as mesmas taxas em duas
# execuções idênticas) cuja taxa, além de `total_steps`, não passa da maior taxa dos passos
# planejados.
#
# O corretor desenha a curva da sua política no relatório. **Discussão (monitor):** que problema
# sua política resolve? Compare-a com uma política conhecida (degraus, cosseno, *one-cycle*...).
#
# **EN.** Propose a learning-rate policy and implement it as a subclass of
# `torch.optim.lr_scheduler.LRScheduler`, named `ProposedScheduler(optimizer, total_steps)`
# (`total_steps` is the planned number of calls to `step()`; you may add parameters with default
# values). Implement `get_lr()` from `self.last_epoch` (the number of steps taken so far) and
# `self.base_lrs` (each param group's initial rate). The grader builds the optimizer (SGD,
# sometimes with two param groups of different rates), calls `optimizer.step()` and
# `scheduler.step()` as a training loop does, and requires:
# - finite and **strictly positive** rates at every step, also **beyond** `total_steps` (training
#   often runs longer than planned: use a floor such as `min_lr`);
# - a policy that is not constant over `total_steps` steps: in every param group the rate varies by
#   more than 1% of its largest value;
# - each group's rate follows from its own initial rate (`self.base_lrs[i]`) and the step: with the
#   same groups in another order, the rates swap places;
# - checkpointing: a fresh `ProposedScheduler` given `load_state_dict(...)` (and an optimizer given
#   the old one's state) continues with exactly the same rates, whatever the step of the checkpoint
#   (before, at or after `total_steps`). Keep all state in instance attributes (they go into the
#   default `state_dict()`), nothing in global variables.
#
# These properties are assessed only for a deterministic policy (the same rates in two identical
# runs) whose rate beyond `total_steps` does not exceed the largest rate of the planned steps.
#
# The grader plots your policy's curve in the report. **Discussion (TA):** which problem does your
# policy address? Compare it with a known policy (step decay, cosine, one-cycle...).


# %%
class ProposedScheduler(LRScheduler):
    """Linear warm-up, cosine decay to a floor, then the floor forever (never zero).

    ``__init__`` stores the policy's settings on ``self`` and then calls
    ``super().__init__(optimizer, last_epoch)``, which calls ``get_lr()`` once for step 0.
    ``factor`` is an optional helper; only the constructor and ``get_lr`` are used by torch.
    """

    def __init__(
        self,
        optimizer: torch.optim.Optimizer,
        total_steps: int,
        warmup_fraction: float = 0.1,
        min_lr_ratio: float = 0.02,
        last_epoch: int = -1,
    ) -> None:
        raise NotImplementedError("Implemente esta função / implement this function")

    def factor(self, step: int) -> float:
        """Multiplier of the base rate after ``step`` scheduler steps (always in [floor, 1])."""
        raise NotImplementedError("Implemente esta função / implement this function")

    def get_lr(self) -> list[float]:
        """The rate of every param group at step ``self.last_epoch``."""
        raise NotImplementedError("Implemente esta função / implement this function")


# %% [markdown]
# ### Resposta / Answer: scheduler_proposal (3.3)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*


# %% [markdown]
# ## 3.4 (★) Uma função de ativação proposta / A proposed activation function
#
# **PT.** Proponha uma função de ativação φ e implemente-a como `ProposedActivation(nn.Module)`
# (construída sem argumentos; parâmetros escalares treináveis são permitidos). Requisitos
# verificados:
# - preserva forma e dtype (float32 e float64) e age **elemento a elemento**: a saída `i` depende
#   só da entrada `i`, pela mesma função φ em toda posição (nada de normalizar pelo lote ou por
#   linha), com uma amostra ou com um lote;
# - valores e gradientes finitos em entradas extremas em float32: 0, subnormais, ±1e4, ±1e30
#   (cuidado com `exp`, `x**2` e afins: use formulações estáveis);
# - não linear, e **não** numericamente igual a uma ativação pronta do PyTorch (ReLU, GELU, SiLU,
#   tanh, softplus...), mesmo depois de reescalas afins da entrada e da saída (ambas as
#   propriedades são medidas numa grade em [-6, 6]: a distância ao melhor ajuste afim deve passar de
#   0.001 da variação de φ, e a distância relativa à ativação pronta mais próxima, de 1e-4);
# - em modo `eval()`, determinística;
# - um MLP pequeno que o corretor treina com a sua ativação deve superar um modelo linear num
#   problema não linear (círculos concêntricos, onde um modelo linear não passa do acaso): nota
#   cheia com acurácia de teste de pelo menos 0.90, nota parcial proporcional entre o acaso (ou a
#   acurácia da regressão logística, se maior) e 0.90.
#
# **Discussão (monitor):** motive a forma de φ (derivada, saturação, comportamento perto de 0) e
# compare com as ativações conhecidas.
#
# **EN.** Propose an activation function φ and implement it as `ProposedActivation(nn.Module)`
# (built without arguments; trainable scalar parameters are allowed). Checked requirements:
# - it keeps shape and dtype (float32 and float64) and acts **elementwise**: output `i` depends on
#   input `i` alone, through the same φ at every position (no normalising over the batch or a row),
#   for one sample or a batch;
# - finite values and gradients on extreme float32 inputs: 0, subnormals, ±1e4, ±1e30 (beware of
#   `exp`, `x**2` and the like: use stable formulations);
# - nonlinear, and **not** numerically equal to a ready-made PyTorch activation (ReLU, GELU, SiLU,
#   tanh, softplus...), even after affine rescaling of its input and output (both properties are
#   measured on a grid over [-6, 6]: the distance to the best affine fit must exceed 0.001 of φ's
#   spread, and the relative distance to the closest built-in activation 1e-4);
# - deterministic in `eval()` mode;
# - a small MLP that the grader trains with your activation must beat a linear model on a
#   nonlinear problem (concentric circles, where a linear model does no better than chance): full
#   points from a test accuracy of 0.90, partial points in proportion between chance (or logistic
#   regression's accuracy, if higher) and 0.90.
#
# **Discussion (TA):** motivate the shape of φ (derivative, saturation, behaviour near 0) and compare
# it with known activations.


# %%
class ProposedActivation(nn.Module):
    """Squareplus (Barron, 2021): (x + sqrt(x^2 + b)) / 2, a smooth, algebraic ReLU."""

    def __init__(self) -> None:
        super().__init__()
        raise NotImplementedError("Implemente esta função / implement this function")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("Implemente esta função / implement this function")


# %% [markdown]
# ### Resposta / Answer: activation_proposal (3.4)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*


# %% [markdown]
# ## 3.5 (★) Uma função de erro proposta / A proposed loss function
#
# **PT.** Proponha uma função de erro para classificação, combinando operações primitivas:
# `proposed_loss(logits, target)` recebe `logits` de forma `(n, k)` (float32 ou float64) e `target`
# de forma `(n,)` (inteiros `int64` em `0..k-1`; `n` pode ser 1 e o lote não precisa conter todas
# as classes) e devolve um **escalar** (tensor 0-d, por exemplo uma média sobre o lote)
# diferenciável em relação a `logits`. Requisitos verificados: finita (valor e gradiente) em
# logits extremos (±1e4, ±1e30); gradiente finito e não nulo; diminui quando o logit da classe
# correta aumenta e aumenta quando o logit de uma classe errada aumenta (essas propriedades só são
# avaliadas para uma função menor quando os logits favorecem a classe correta); treina um
# classificador linear bem acima do acaso: o corretor treina `nn.Linear(64, 10)` nos dígitos com a
# sua função (Adam, lr 0.05, 150 passos com o lote inteiro) e dá nota cheia a partir de 0.80 de
# acurácia de teste (o acaso é 0.10; nota parcial proporcional entre 0.10 e 0.80).
#
# **Discussão (monitor):** o que sua função penaliza de diferente da entropia cruzada? Em que
# situação ela seria preferível?
#
# **EN.** Propose a classification loss made of primitive operations: `proposed_loss(logits,
# target)` takes `logits` of shape `(n, k)` (float32 or float64) and `target` of shape `(n,)`
# (`int64` integers in `0..k-1`; `n` may be 1 and the batch need not hold every class) and returns
# a **scalar** (0-d tensor, e.g. a mean over the batch) differentiable with respect to `logits`.
# Checked requirements: finite (value and gradient) on extreme logits (±1e4, ±1e30); finite,
# non-zero gradient; it decreases when the correct class's logit grows and grows when a wrong
# class's logit grows (these properties are assessed only for a loss that is lower when the logits
# favour the correct class); it trains a linear classifier well above chance: the grader trains
# `nn.Linear(64, 10)` on the digits with your loss (Adam, lr 0.05, 150 full-batch steps) and gives
# full points from a test accuracy of 0.80 (chance is 0.10; partial points in proportion between
# 0.10 and 0.80).
#
# **Discussion (TA):** what does your loss penalise differently from cross-entropy? When would it be
# preferable?


# %%
def proposed_loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Focal loss (Lin et al., 2017) with gamma = 2, computed from log-softmax for stability."""
    raise NotImplementedError("Implemente esta função / implement this function")


# %% [markdown]
# ### Resposta / Answer: loss_proposal (3.5)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*


# %% [markdown]
# ## 3.6 Explorando o espaço de hiperparâmetros / Exploring the hyperparameter space
#
# **PT.** (a) `grid_search(space, evaluate)`: `space` é um dicionário `nome -> lista de valores`
# (por exemplo `{"optimizer": ["sgd", "adam"], "init": ["xavier", "kaiming"], "lr": [1e-3,
# 1e-2]}`; pode ter qualquer número de eixos, inclusive um só, e eixos com um único valor);
# `evaluate(config)` recebe um dicionário `nome -> valor` e devolve um número (maior é melhor; pode
# ser caro: treine um modelo nele no seu experimento). Avalie **cada** combinação do produto
# cartesiano **exatamente uma vez** e devolva uma lista de dicionários
# `{"config": config, "score": evaluate(config)}`, um por combinação (em qualquer ordem), sem
# modificar `space`.
#
# (b) Vendo cada configuração como um ponto num espaço de atributos (matriz X: uma linha por
# configuração; Y: o desempenho), `fit_performance_predictor(results)` recebe a saída de
# `grid_search` e devolve uma função `predict(config) -> float` que estima o desempenho de
# configurações **não observadas** (por exemplo uma taxa de aprendizado entre as testadas). Valores
# em texto são categóricos; números são contínuos (a taxa de aprendizado varia melhor em escala
# log). O corretor mede, em superfícies de desempenho sintéticas e suaves (sobre 3 e 4
# hiperparâmetros), se suas previsões em configurações retidas erram menos que prever a média dos
# scores observados: o erro quadrático médio deve ser no máximo 75% do da média. `predict` devolve
# um `float` (não um array nem um tensor). Não modifique `results`.
#
# No seu experimento, use pelo menos otimizador, inicialização e taxa de aprendizado inicial, com ao
# menos dois valores cada.
#
# **EN.** (a) `grid_search(space, evaluate)`: `space` is a dict `name -> list of values` (e.g.
# `{"optimizer": ["sgd", "adam"], "init": ["xavier", "kaiming"], "lr": [1e-3, 1e-2]}`; any number of
# axes, one included, and axes with a single value); `evaluate(config)` takes a dict `name -> value`
# and returns a number (higher is better; it may be expensive: train a model in it in your
# experiment). Evaluate **every** combination of the Cartesian product **exactly once** and return
# a list of dicts `{"config": config, "score": evaluate(config)}`, one per combination (any order),
# without modifying `space`.
#
# (b) Seeing each configuration as a point in a feature space (matrix X: one row per configuration;
# Y: the performance), `fit_performance_predictor(results)` takes the output of `grid_search` and
# returns a function `predict(config) -> float` that estimates the performance of **unobserved**
# configurations (e.g. a learning rate between the tested ones). Text values are categorical;
# numbers are continuous (a learning rate is best varied on a log scale). On smooth synthetic
# performance surfaces (over 3 and 4 hyperparameters), the grader measures whether your predictions
# on held-out configurations err less than predicting the mean observed score: their mean squared
# error must be at most 75% of the mean's. `predict` returns a `float` (not an array or a tensor).
# Do not modify `results`.
#
# In your own experiment, use at least the optimizer, the initialisation and the initial learning
# rate, with at least two values each.


# %%
def grid_search(
    space: dict[str, list[Any]], evaluate: Callable[[dict[str, Any]], float]
) -> list[dict[str, Any]]:
    """Every configuration of the Cartesian product of ``space``, evaluated once."""
    raise NotImplementedError("Implemente esta função / implement this function")


def fit_performance_predictor(results: list[dict[str, Any]]) -> Callable[[dict[str, Any]], float]:
    """Fit score = f(config) on observed results; return ``predict(config) -> float``."""
    raise NotImplementedError("Implemente esta função / implement this function")
