# %% [markdown]
# # PCS 5022 — Capítulo 1: Fundamentos / Chapter 1: Fundamentals
#
# **PT.** Implemente as funções abaixo sem mudar seus nomes nem suas assinaturas (elas são o
# contrato com o corretor automático). Use apenas numpy, scikit-learn, matplotlib e torch. Rode
# `grade check ch01_fundamentals ch01_fundamentals.py` para as verificações públicas; o corretor
# usa muitas outras, ocultas, que testam propriedades (vazamento, formas, estabilidade...). Toda
# função que recebe arrays deve aceitá-los em float64 e em float32.
#
# **EN.** Implement the functions below without changing their names or signatures (they are the
# contract with the autograder). Use only numpy, scikit-learn, matplotlib and torch. Run
# `grade check ch01_fundamentals ch01_fundamentals.py` for the public checks; the grader uses many
# more hidden ones that test properties (leakage, shapes, stability...). Every function that takes
# arrays must accept them as float64 and as float32.

# %%
from __future__ import annotations

import numpy as np

# %% [markdown]
# ## 1.1 Vazamento de dados / Data leakage
#
# **PT.** Padronizar *antes* de dividir treino e teste usa estatísticas do teste para transformar o
# treino: é vazamento de informação. Escreva `standardize_without_leakage`, que calcula média e
# desvio-padrão populacional (como o `StandardScaler`) **somente** em `X_train` e aplica a ambos.
# Uma coluna constante em `X_train` é centrada mas não dividida (nada de NaN/inf), mesmo quando o
# desvio-padrão calculado não dá exatamente 0 por arredondamento (uma coluna de 0.1, por exemplo).
# As entradas não podem ser modificadas.
#
# Depois, escreva `leakage_experiment(X_train, y_train, X_test, seed=0)`, que devolve
# `{"with_leak": modelo, "without_leak": modelo}`: dois classificadores já treinados em `X_train`,
# `y_train`, que recebem atributos **brutos**, pois a padronização faz parte de cada modelo (um
# `Pipeline` do scikit-learn ou uma classe sua com as estatísticas e um classificador). O modelo
# `"with_leak"` padroniza com média e desvio-padrão de `X_train` e `X_test` juntos (o vazamento);
# o `"without_leak"`, só com os de `X_train`, e seu `predict` não usa estatísticas do lote que
# recebe. Cada modelo tem `predict(X)`, que devolve os rótulos, de forma (n,). Os rótulos de
# `X_test` não são dados: o corretor os guarda, mede ele mesmo a acurácia dos dois modelos em
# `X_test` (numa tarefa binária balanceada, em que o acaso dá 0,5: nota cheia a partir de 0,75,
# nenhuma em 0,55 ou abaixo) e põe as duas acurácias no relatório. Ele também troca `X_test` por
# outro conjunto: o modelo `"without_leak"` deve continuar prevendo igual, e o `"with_leak"` deve
# mudar. Por isso use um classificador sensível à escala dos atributos (regressão logística
# regularizada, k-NN, SVM; árvores, naive Bayes e LDA não enxergam a padronização) e passe `seed`
# a toda aleatoriedade, para que os modelos dependam só dos argumentos. Discuta o resultado (parte
# escrita, avaliada por monitor).
#
# **EN.** Standardising *before* the train/test split lets test statistics shape the training data:
# that is leakage. Write `standardize_without_leakage`, which computes the mean and the population
# standard deviation (as `StandardScaler` does) from `X_train` **only** and applies them to both. A
# column that is constant in `X_train` is centred but not scaled (no NaN/inf), even when its computed
# standard deviation is not exactly 0 because of rounding (a column of 0.1s, for instance). Inputs
# must not be modified.
#
# Then write `leakage_experiment(X_train, y_train, X_test, seed=0)`, which returns
# `{"with_leak": model, "without_leak": model}`: two classifiers fitted on `X_train`, `y_train` that
# take **raw** features, since the standardisation is part of each model (a scikit-learn `Pipeline`
# or a class of your own holding the statistics and a classifier). The `"with_leak"` model
# standardises with the mean and standard deviation of `X_train` and `X_test` together (the leak);
# `"without_leak"` with those of `X_train` alone, and its `predict` uses no statistics of the batch
# it is given. Each model has `predict(X)`, which returns the labels, of shape (n,). The labels of
# `X_test` are not given: the grader keeps them, measures the accuracy of both models on `X_test`
# itself (on a balanced binary task, where chance is 0.5: full marks from 0.75, none at 0.55 or
# below) and puts both accuracies in the report. It also replaces `X_test` with another set: the
# `"without_leak"` model must keep its predictions, and the `"with_leak"` one must change. So use a
# classifier that is sensitive to the scale of the features (a regularised logistic regression,
# k-NN, an SVM; trees, naive Bayes and LDA are blind to standardisation) and pass `seed` to any
# randomness, so that the models depend on the arguments alone. Discuss the result (written part,
# scored by a TA).


# %%
def standardize_without_leakage(
    X_train: np.ndarray, X_test: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Standardise both sets with statistics of ``X_train`` alone.

    Returns ``(X_train_std, X_test_std)`` with the shapes of the inputs.
    """
    # BEGIN SOLUTION
    X_train = np.asarray(X_train)
    X_test = np.asarray(X_test)
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    scale = np.where(
        std > 10 * np.finfo(std.dtype).eps * np.maximum(np.abs(mean), 1.0), std, 1.0
    ).astype(std.dtype)
    return (X_train - mean) / scale, (X_test - mean) / scale
    # END SOLUTION


def leakage_experiment(
    X_train: np.ndarray, y_train: np.ndarray, X_test: np.ndarray, seed: int = 0
) -> dict[str, object]:
    """Two fitted classifiers that take RAW features: "with_leak" standardises with statistics of
    X_train and X_test together (the leak), "without_leak" with statistics of X_train alone.

    Returns ``{"with_leak": model, "without_leak": model}``; each model has ``predict(X)`` ->
    labels (n,).
    """
    # BEGIN SOLUTION
    from sklearn.linear_model import LogisticRegression

    class StandardisedClassifier:
        """Standardises raw features with statistics fixed at construction, then classifies."""

        def __init__(self, statistics_from: np.ndarray) -> None:
            self.mean = statistics_from.mean(axis=0)
            std = statistics_from.std(axis=0)
            self.scale = np.where(std > 0, std, 1.0)
            self.classifier = LogisticRegression(max_iter=1000, random_state=seed)

        def _standardise(self, X: np.ndarray) -> np.ndarray:
            return (np.asarray(X, dtype=float) - self.mean) / self.scale

        def fit(self, X: np.ndarray, y: np.ndarray) -> StandardisedClassifier:
            self.classifier.fit(self._standardise(X), y)
            return self

        def predict(self, X: np.ndarray) -> np.ndarray:
            return self.classifier.predict(self._standardise(X))

        def __call__(self, X: np.ndarray) -> np.ndarray:  # model(X) is model.predict(X)
            return self.predict(X)

    X_train = np.asarray(X_train, dtype=float)
    X_test = np.asarray(X_test, dtype=float)
    y_train = np.asarray(y_train)
    leaky = StandardisedClassifier(np.concatenate([X_train, X_test])).fit(X_train, y_train)
    clean = StandardisedClassifier(X_train).fit(X_train, y_train)
    return {"with_leak": leaky, "without_leak": clean}
    # END SOLUTION


# %% [markdown]
# ### Resposta / Answer: leakage_discussion (1.1)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
# BEGIN REMOVE
#
# **Resposta modelo.** Padronizar com estatísticas de `X_train` e `X_test` juntos faz o teste
# moldar o modelo: a média e o desvio-padrão usados para transformar o treino (e cada amostra a
# prever) vêm em parte de dados que deveriam ser novos, e a acurácia medida nesse teste deixa de
# estimar o desempenho em dados nunca vistos. As duas acurácias que o corretor mediu costumam ficar
# próximas (para um modelo linear a padronização é quase só uma reescala, e quando treino e teste
# vêm da mesma distribuição as estatísticas quase coincidem), o que não torna o procedimento
# correto: o modelo `"with_leak"` é outro para cada conjunto de teste (trocar `X_test` muda suas
# previsões), enquanto o `"without_leak"` é fixado só pelo treino. O viés otimista cresce com
# conjuntos pequenos, com teste deslocado em relação ao treino e com transformações que aprendem
# mais dos dados (seleção de atributos, PCA, imputação). O correto é ajustar o `StandardScaler` só
# no treino, dentro de um `Pipeline`, também na validação cruzada.
#
# **Model answer.** Standardising with statistics of `X_train` and `X_test` together lets the test
# set shape the model: the mean and standard deviation used to transform the training data (and
# every sample to predict) come partly from data that should be new, so the accuracy measured on
# that test set no longer estimates performance on unseen data. The two accuracies the grader
# measured are usually close (for a linear model standardising is nearly just a rescaling, and when
# training and test data come from one distribution their statistics nearly coincide), which does
# not make the procedure right: the `"with_leak"` model is a different model for every test set
# (replacing `X_test` changes its predictions), while `"without_leak"` is fixed by the training data
# alone. The optimistic bias grows with small data sets, with a test set shifted from the training
# set and with transformations that learn more from the data (feature selection, PCA, imputation).
# The right way is to fit the `StandardScaler` on the training set only, inside a `Pipeline`, also
# within cross-validation.
# END REMOVE


# %% [markdown]
# ## 1.2 Estatísticas por classe / Class statistics
#
# **PT.** Para dados `X` (n x m) com rótulos `y` (k classes), devolva um dicionário com
# `"global_mean"` (m,), `"class_means"` (k, m), na ordem de `np.unique(y)`, e `"farthest_index"`
# (k,): para cada classe, o índice **em `X`** da amostra dessa classe mais distante (distância
# euclidiana) da média da classe. Os rótulos podem ser quaisquer inteiros (negativos também), fora
# de ordem; k pode ser 1, e as classes podem ser desbalanceadas (até com uma só amostra).
#
# **EN.** For data `X` (n x m) with labels `y` (k classes), return a dict with `"global_mean"` (m,),
# `"class_means"` (k, m), in the order of `np.unique(y)`, and `"farthest_index"` (k,): for each
# class, the row index **into `X`** of that class's sample farthest (Euclidean) from the class mean.
# Labels may be any integers (negative ones too), unsorted; k may be 1, and classes may be imbalanced
# (down to a single sample).


# %%
def class_statistics(X: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """Global mean, per-class means and each class's farthest sample (indices into X)."""
    # BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    classes = np.unique(y)
    class_means = np.stack([X[y == c].mean(axis=0) for c in classes])
    farthest = []
    for c, mean in zip(classes, class_means):
        rows = np.flatnonzero(y == c)
        distances = np.linalg.norm(X[rows] - mean, axis=1)
        farthest.append(rows[int(np.argmax(distances))])
    return {
        "global_mean": X.mean(axis=0),
        "class_means": class_means,
        "farthest_index": np.asarray(farthest, dtype=np.int64),
    }
    # END SOLUTION


# %% [markdown]
# ## 1.3 e 1.4 Espaço de características / Feature space
#
# **PT.** `project_2d(X)` devolve coordenadas 2-D para visualizar os dados: os próprios dados quando
# m = 2 e, quando m > 2, os escores das duas primeiras componentes principais (o sinal de cada
# componente é arbitrário). `plot_feature_space(X, y)` desenha as amostras nessas coordenadas,
# coloridas por classe, e marca a média global e a média de cada classe; devolve a `Figure` do
# matplotlib (ela aparece no relatório de correção). O corretor procura um ponto desenhado (com
# `ax.scatter` ou `ax.plot`, por exemplo) nas coordenadas de cada amostra e de cada média, a menos do
# sinal de cada eixo.
#
# **EN.** `project_2d(X)` returns 2-D coordinates to look at the data: the data itself when m = 2
# and, for m > 2, the scores on the first two principal components (each component's sign is
# arbitrary). `plot_feature_space(X, y)` draws the samples in those coordinates, coloured by class,
# and marks the global mean and each class mean; it returns the matplotlib `Figure` (it goes into the
# feedback report). The grader looks for a point drawn (with `ax.scatter` or `ax.plot`, for instance)
# at the coordinates of every sample and of every mean, up to the sign of each axis.


# %%
def project_2d(X: np.ndarray) -> np.ndarray:
    """(n, 2) coordinates: X itself for m = 2, principal-component scores for m > 2."""
    # BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] < 2:
        raise ValueError("X must be a 2-D array with at least 2 columns")
    if X.shape[1] == 2:
        return X.copy()
    centred = X - X.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return centred @ vt[:2].T
    # END SOLUTION


def plot_feature_space(X: np.ndarray, y: np.ndarray):
    """Scatter of project_2d(X) by class with the global mean and class means marked."""
    # BEGIN SOLUTION
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = project_2d(X)
    y = np.asarray(y)
    figure, axes = plt.subplots(figsize=(5, 4))
    for c in np.unique(y):
        axes.scatter(points[y == c, 0], points[y == c, 1], s=12, alpha=0.6, label=f"class {c}")
        mean = points[y == c].mean(axis=0)
        axes.scatter([mean[0]], [mean[1]], marker="X", s=120, edgecolor="black")
    overall = points.mean(axis=0)
    axes.scatter([overall[0]], [overall[1]], marker="*", s=250, color="black", label="global mean")
    axes.set_xlabel("component 1")
    axes.set_ylabel("component 2")
    axes.legend(fontsize=7)
    return figure
    # END SOLUTION


# %% [markdown]
# ## 1.5 Regressão linear com m > n / Linear regression with m > n
#
# **PT.** A solução analítica $(X^T X)^{-1} X^T Y$ falha quando há mais atributos (m) que amostras
# (n). Escreva `fit_linear_closed_form(X, Y, ridge=0.0)` **sem** otimização iterativa (nada de
# gradiente descendente), sem intercepto, que funcione para m > n: com `ridge = 0`, a solução
# interpolante de menor norma; com `ridge > 0`, a solução ridge. `Y` pode ser (n,) ou (n, t),
# e `W` tem forma (m,) ou (m, t). Deve ser rápida mesmo com m muito maior que n: com n = 60 e
# m = 30 000, cada ajuste (`ridge = 0` e `ridge > 0`) deve levar menos de 10 s.
#
# **EN.** The closed form $(X^T X)^{-1} X^T Y$ breaks when there are more features (m) than samples
# (n). Write `fit_linear_closed_form(X, Y, ridge=0.0)` with **no** iterative optimiser (no gradient
# descent) and no intercept that works for m > n: with `ridge = 0`, the minimum-norm interpolating
# solution; with `ridge > 0`, the ridge solution. `Y` is (n,) or (n, t) and `W` is (m,) or
# (m, t). It must stay fast when m is much larger than n: with n = 60 and m = 30 000, each fit
# (`ridge = 0` and `ridge > 0`) must take less than 10 s.


# %%
def fit_linear_closed_form(X: np.ndarray, Y: np.ndarray, ridge: float = 0.0) -> np.ndarray:
    """Closed-form least squares: minimum-norm (ridge = 0) or ridge (ridge > 0)."""
    # BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float)
    if ridge < 0:
        raise ValueError("ridge must be >= 0")
    n, m = X.shape
    if ridge == 0:
        return np.linalg.pinv(X) @ Y
    if m > n:  # dual form: an n x n system instead of m x m
        return X.T @ np.linalg.solve(X @ X.T + ridge * np.eye(n), Y)
    return np.linalg.solve(X.T @ X + ridge * np.eye(m), X.T @ Y)
    # END SOLUTION


# %% [markdown]
# ## 1.6 Coreset: k amostras representativas / Coreset: k representative samples
#
# **PT.** Só podemos treinar com k << n amostras. Escreva `select_coreset(X, k, seed=0)`, que
# devolve k índices distintos de linhas de `X` (1 ≤ k ≤ n) escolhidos de forma a *cobrir* os dados
# (não por amostragem uniforme): o raio de cobertura (a maior distância de uma amostra ao ponto
# escolhido mais próximo) não pode passar o de 90% dos subconjuntos uniformes de k linhas, e todo
# grupo pequeno e afastado deve ter ao menos um ponto escolhido. O resultado depende só de `seed`;
# `k > n` levanta `ValueError`.
#
# **EN.** We can only train on k << n samples. Write `select_coreset(X, k, seed=0)`, which returns k
# distinct row indices of `X` (1 <= k <= n) chosen to *cover* the data (not uniform sampling): the
# covering radius (the largest distance from a sample to its nearest chosen point) must be at most
# that of 90% of uniformly drawn subsets of k rows, and every small, far-away group must get at
# least one chosen point. The result depends only on `seed`; `k > n` raises `ValueError`.


# %%
def select_coreset(X: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    """k distinct row indices covering X (greedy farthest-point / k-center)."""
    # BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    n = len(X)
    if not 1 <= k <= n:
        raise ValueError(f"k must be between 1 and the number of samples ({n}), got {k}")
    rng = np.random.default_rng(seed)
    chosen = [int(rng.integers(n))]
    distance = np.linalg.norm(X - X[chosen[0]], axis=1)
    for _ in range(k - 1):
        farthest = int(np.argmax(distance))
        chosen.append(farthest)
        distance = np.minimum(distance, np.linalg.norm(X - X[farthest], axis=1))
    return np.asarray(chosen, dtype=np.int64)
    # END SOLUTION
