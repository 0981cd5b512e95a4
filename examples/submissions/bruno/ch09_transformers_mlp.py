# %% [markdown]
# # PCS 5022 — Capítulo 9: Transformers e MLPs / Chapter 9: Transformers and MLPs
#
# **PT.** Implemente a classe e as funções abaixo sem mudar nomes nem assinaturas (elas são o
# contrato com o corretor automático). Use numpy, scikit-learn e PyTorch. Rode
# `grade check ch09_transformers_mlp ch09_transformers_mlp.py` para as verificações públicas; as
# ocultas testam propriedades: o corretor passa o seu próprio modelo-base, que anota cada linha e
# cada coluna que cada membro recebe, e mede ele mesmo a acurácia em dados que você não viu.
#
# **EN.** Implement the class and the functions below without changing names or signatures (they
# are the contract with the autograder). Use numpy, scikit-learn and PyTorch. Run
# `grade check ch09_transformers_mlp ch09_transformers_mlp.py` for the public checks; hidden ones
# test properties: the grader passes its own base model, which writes down every row and column
# each member receives, and measures accuracy itself on data you have not seen.

# %%
from __future__ import annotations

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data
from torch import nn

# %% [markdown]
# ## 9.1 Contornando os limites de um modelo tabular / Working around a tabular model's limits
#
# **PT.** O TabPFN (Hollmann et al., ICLR 2023) é um *transformer* pré-treinado que classifica
# tabelas pequenas numa única passada: o conjunto de treino inteiro entra como contexto da atenção.
# Por isso ele aceita só um número máximo de amostras de treino e de atributos (*features*). Uma
# forma de contornar esses limites é um *ensemble*: cada membro é uma cópia do modelo limitado que
# vê só uma parte das linhas e das colunas, e as previsões dos membros são combinadas.
#
# Escreva `LimitedEnsembleClassifier(base_estimator, n_estimators=10, max_samples=256,
# max_features=16, random_state=None)`, um classificador do scikit-learn de verdade:
#
# - `__init__` só guarda os cinco parâmetros, com esses mesmos nomes e sem mudá-los nem validá-los
#   (é o que `get_params`, `set_params` e `sklearn.base.clone` esperam); herde de
#   `ClassifierMixin` e `BaseEstimator` (nessa ordem).
# - `fit(X, y)` valida os dados (`sklearn.utils.validation.validate_data` ou `check_X_y`, e
#   `check_classification_targets`), guarda `classes_` (os rótulos distintos de `y`, ordenados) e
#   treina `n_estimators` membros, cada um um `sklearn.base.clone(base_estimator)` treinado numa
#   submatriz de `X`: no máximo `max_samples` linhas e no máximo `max_features` colunas de `X`, sem
#   alterar os valores (nada de padronizar antes). **Todo** atributo deve ser usado por algum
#   membro (o corretor sempre usa dados em que `n_estimators * max_features >= n_features`; fora
#   disso, levante `ValueError`). Com a mesma `random_state` (um inteiro), o mesmo `fit` escolhe os
#   mesmos subconjuntos; com outra, outros (use `sklearn.utils.check_random_state`). Devolve
#   `self`. Não treine o próprio `base_estimator` que você recebeu.
# - `predict_proba(X)` devolve `(n, len(classes_))`, linhas somando 1, colunas na ordem de
#   `classes_`: a média das probabilidades dos membros, cada membro recebendo **as mesmas colunas,
#   na mesma ordem**, com que foi treinado (um membro que não viu alguma classe contribui zero para
#   ela). `predict(X)` devolve `classes_[argmax]` dessas probabilidades. Antes do `fit`, os dois
#   levantam `NotFittedError` (`check_is_fitted`).
#
# O corretor roda os testes do próprio scikit-learn que se aplicam a um classificador com modelo-base
# (`sklearn.utils.estimator_checks`: `check_estimator_cloneable`, `check_estimator_repr`,
# `check_no_attributes_set_in_init`, `check_mixin_order`, `check_get_params_invariance`,
# `check_set_params`, `check_do_not_raise_errors_in_init_or_set_params`,
# `check_dont_overwrite_parameters`, `check_estimators_overwrite_params`,
# `check_estimators_fit_returns_self`, `check_estimators_unfitted`, `check_fit_check_is_fitted`,
# `check_n_features_in`, `check_fit2d_predict1d`, `check_estimators_empty_data_messages`,
# `check_estimators_nan_inf`, `check_classifiers_regression_target`, `check_classifiers_classes`,
# `check_classifiers_train`, `check_fit_idempotent`, `check_methods_subset_invariance`,
# `check_methods_sample_order_invariance`, `check_estimators_pickle`, `check_dict_unchanged`,
# `check_pipeline_consistency`, `check_estimators_dtypes`); rode-os você mesmo com
# `sklearn.utils.estimator_checks.check_estimator(LimitedEnsembleClassifier(LogisticRegression(),
# n_estimators=5, max_samples=50, max_features=4, random_state=0), on_fail=None)`. Ele também
# compara a acurácia do ensemble com a de um único membro limitado, em dados com mais linhas e
# colunas do que os limites. Na parte escrita, explique por que esses limites existem em modelos
# como o TabPFN e formalize a sua solução.
#
# **EN.** TabPFN (Hollmann et al., ICLR 2023) is a pre-trained *transformer* that classifies small
# tables in a single forward pass: the whole training set is the attention's context. That is why it
# only accepts a maximum number of training samples and of features. One way around these limits is
# an *ensemble*: each member is a copy of the limited model that sees only part of the rows and of
# the columns, and the members' predictions are combined.
#
# Write `LimitedEnsembleClassifier(base_estimator, n_estimators=10, max_samples=256,
# max_features=16, random_state=None)`, a genuine scikit-learn classifier:
#
# - `__init__` only stores the five parameters, under these same names, without changing or
#   validating them (that is what `get_params`, `set_params` and `sklearn.base.clone` expect);
#   inherit from `ClassifierMixin` and `BaseEstimator` (in that order).
# - `fit(X, y)` validates the data (`sklearn.utils.validation.validate_data` or `check_X_y`, and
#   `check_classification_targets`), stores `classes_` (the distinct labels of `y`, sorted) and
#   trains `n_estimators` members, each a `sklearn.base.clone(base_estimator)` fitted on a
#   sub-matrix of `X`: at most `max_samples` rows and at most `max_features` columns of `X`, values
#   unchanged (no standardising first). **Every** feature must be used by some member (the grader
#   always uses data where `n_estimators * max_features >= n_features`; otherwise raise
#   `ValueError`). With the same `random_state` (an integer), the same `fit` picks the same
#   subsets; with another one, other subsets (use `sklearn.utils.check_random_state`). It returns
#   `self`. Do not fit the `base_estimator` object you were given.
# - `predict_proba(X)` returns `(n, len(classes_))`, rows summing to 1, columns in the order of
#   `classes_`: the mean of the members' probabilities, each member receiving **the same columns, in
#   the same order**, it was fitted on (a member that saw no sample of some class contributes zero
#   to it). `predict(X)` returns `classes_[argmax]` of those probabilities. Before `fit`, both raise
#   `NotFittedError` (`check_is_fitted`).
#
# The grader runs scikit-learn's own checks that apply to a classifier with a base estimator (the
# `sklearn.utils.estimator_checks` listed above); run them yourself with
# `check_estimator(..., on_fail=None)` as shown above. It also compares the ensemble's accuracy with
# that of a single limited member, on data with more rows and columns than the limits. In the
# written part, explain why such limits exist in models like TabPFN and formalise your solution.


# %%
class LimitedEnsembleClassifier(ClassifierMixin, BaseEstimator):
    def __init__(
        self,
        base_estimator: BaseEstimator,
        n_estimators: int = 10,
        max_samples: int = 256,
        max_features: int = 16,
        random_state: int | None = None,
    ) -> None:
        self.base_estimator = base_estimator
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.max_features = max_features
        self.random_state = random_state

    def fit(self, X: np.ndarray, y: np.ndarray) -> LimitedEnsembleClassifier:
        X, y = validate_data(self, X, y)
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        rng = check_random_state(self.random_state)
        n_features = min(self.max_features, X.shape[1])
        self.members_ = []
        for _ in range(self.n_estimators):
            # the limit that matters is the number of features; every member gets all the rows
            features = rng.choice(X.shape[1], n_features, replace=False)
            model = clone(self.base_estimator).fit(X[:, features], y)
            self.members_.append((model, features))
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return np.mean([m.predict_proba(X[:, f]) for m, f in self.members_], axis=0)

    def predict(self, X: np.ndarray) -> np.ndarray:
        probabilities = self.predict_proba(X)
        return self.classes_[probabilities.argmax(axis=1)]


# %% [markdown]
# ### Resposta / Answer: limits_workaround (9.1)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
#
# Divido as colunas entre os membros e faço a média das probabilidades.


# %% [markdown]
# ## 9.2 MLP residual com blocos / Residual MLP from building blocks
#
# **PT.** MLPs modernos (como os blocos de *feed-forward* de um transformer) empilham blocos
# residuais iguais. Escreva a classe `ResidualMLPBlock(width, hidden)`, um `nn.Module` cujo
# `forward(x)` devolve `x + f(x)` para `x` de forma `(B, width)`, em que `f` é um MLP
# `width -> hidden -> width`: exatamente dois `nn.Linear` (com viés), `Linear(width, hidden)` e
# `Linear(hidden, width)`, com uma não linearidade entre eles (ReLU, GELU, SiLU, Tanh...), sem
# normalização nem *dropout* e **nada depois da soma**. Assim, zerar a última camada de `f`
# transforma o bloco na identidade. Depois escreva `make_residual_mlp(in_features, width, n_blocks,
# n_classes)`, que devolve um `nn.Module`: uma projeção de entrada `Linear(in_features, width)`,
# `n_blocks` **instâncias distintas** da sua `ResidualMLPBlock` (a largura oculta é escolha sua),
# aplicadas em sequência, e uma projeção de saída `Linear(width, n_classes)` que produz os *logits*
# `(B, n_classes)`. O corretor confere a estrutura (`n_blocks` blocos, todos usados), calcula ele
# mesmo `f` a partir dos pesos do seu bloco e treina o seu modelo nos dígitos com uma receita fixa
# (Adam, poucas épocas): nota cheia a partir de 0.9 de acurácia em dígitos não vistos. Na parte
# escrita, diga o que a conexão residual traz.
#
# **EN.** Modern MLPs (like a transformer's feed-forward blocks) stack identical residual blocks.
# Write the class `ResidualMLPBlock(width, hidden)`, an `nn.Module` whose `forward(x)` returns
# `x + f(x)` for `x` of shape `(B, width)`, where `f` is an MLP `width -> hidden -> width`: exactly
# two `nn.Linear` (with bias), `Linear(width, hidden)` and `Linear(hidden, width)`, with one
# nonlinearity between them (ReLU, GELU, SiLU, Tanh...), no normalisation nor dropout and
# **nothing after the sum**. Then zeroing the last layer of `f` turns the block into the identity.
# Then write `make_residual_mlp(in_features, width, n_blocks, n_classes)`, returning an
# `nn.Module`: an input projection `Linear(in_features, width)`, `n_blocks` **distinct instances**
# of your `ResidualMLPBlock` (the hidden width is your choice), applied in sequence, and an output
# projection `Linear(width, n_classes)` producing the `(B, n_classes)` logits. The grader checks
# the structure (`n_blocks` blocks, all of them used), computes `f` itself from your block's weights
# and trains your model on the digits with a fixed recipe (Adam, a few epochs): full marks from 0.9
# accuracy on held-out digits. In the written part, say what the residual connection buys.


# %%
class ResidualMLPBlock(nn.Module):
    def __init__(self, width: int, hidden: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(width, hidden)
        self.fc2 = nn.Linear(hidden, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.fc2(torch.relu(self.fc1(x)))
        return torch.relu(out + x)  # like the ResNet paper


def make_residual_mlp(in_features: int, width: int, n_blocks: int, n_classes: int) -> nn.Module:
    layers = [nn.Linear(in_features, width)]
    for _ in range(n_blocks):
        layers.append(ResidualMLPBlock(width, 2 * width))
    layers.append(nn.Linear(width, n_classes))
    return nn.Sequential(*layers)


# %% [markdown]
# ### Resposta / Answer: residual_benefit (9.2)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
#
# A conexão residual ajuda o gradiente a chegar nas primeiras camadas.
