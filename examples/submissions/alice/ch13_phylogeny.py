# %% [markdown]
# # PCS 5022 — Capítulo 13: Filogenia neural / Chapter 13: Neural phylogeny
#
# **PT.** Implemente as funções abaixo sem mudar seus nomes nem suas assinaturas (elas são o
# contrato com o corretor automático). Rode `grade check ch13_phylogeny ch13_phylogeny.py` para
# as verificações públicas.
#
# *Filogenia neural*: dado um conjunto de modelos, descobrir quem foi ajustado (*fine-tuned*) a
# partir de quem. O corretor gera, na hora da correção, famílias de modelos que você não vê, com
# este protocolo (o mesmo que `_family` em `public_checks.py`):
#
# * arquitetura: `nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))`; cada modelo
#   chega como o seu `state_dict` (chaves `0.weight`, `0.bias`, `2.weight`, `2.bias`, tensores
#   float32);
# * a **raiz** de cada família é um modelo recém-inicializado (a inicialização padrão do PyTorch,
#   U(-1/sqrt(fan_in), 1/sqrt(fan_in))), nunca treinado; raízes de famílias diferentes são
#   sorteios independentes;
# * cada **filho** é o pai ajustado por 15 a 25 passos de SGD (lote inteiro, taxa 0.1, entropia
#   cruzada) numa tarefa sintética nova: 128 entradas gaussianas deslocadas por uma média
#   aleatória e 4 classes dadas por um "professor" linear aleatório; netos são ajustados a partir
#   dos filhos do mesmo modo (profundidade até 3).
#
# **EN.** Implement the functions below without changing their names or signatures (they are the
# contract with the autograder). Run `grade check ch13_phylogeny ch13_phylogeny.py` for the public
# checks.
#
# *Neural phylogeny*: given a set of models, find out which was fine-tuned from which. At grading
# time the grader generates model families you do not see, with this protocol (the same as
# `_family` in `public_checks.py`):
#
# * architecture: `nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))`; each model
#   arrives as its `state_dict` (keys `0.weight`, `0.bias`, `2.weight`, `2.bias`, float32
#   tensors);
# * the **root** of each family is a freshly initialised model (PyTorch's default initialisation,
#   U(-1/sqrt(fan_in), 1/sqrt(fan_in))), never trained; roots of different families are independent
#   draws;
# * each **child** is its parent fine-tuned for 15 to 25 SGD steps (full batch, learning rate
#   0.1, cross-entropy) on a new synthetic task: 128 Gaussian inputs shifted by a random mean and
#   4 classes given by a random linear "teacher"; grandchildren are fine-tuned from the children
#   the same way (depth up to 3).

# %%
from __future__ import annotations

import torch

# %% [markdown]
# ## 13.1 Setup experimental e detecção do pai / Experimental setup and parent detection
#
# **PT.** Escreva `find_parent(child, candidates)`: `child` é o `state_dict` de um modelo
# ajustado e `candidates` uma lista de `state_dict`s da mesma arquitetura; devolva o índice (um
# `int`) do pai de `child` em `candidates`. A lista contém exatamente um pai e pode conter também
# avós, irmãos, primos, modelos de outras famílias e uma cópia idêntica do próprio `child` (um
# modelo não é pai de si mesmo); nunca contém descendentes de `child`. A resposta não pode
# depender da ordem dos candidatos (o mesmo modelo, qualquer que seja a sua posição), a função é
# determinística e não modifica os tensores recebidos. O corretor mede a fração de filhos cujo
# pai você acerta nas famílias geradas. Antes, responda abaixo: como você montaria um setup
# experimental para estudar filogenia neural (exercício 13.1 da lista)?
#
# **EN.** Write `find_parent(child, candidates)`: `child` is the `state_dict` of a fine-tuned
# model and `candidates` a list of `state_dict`s of the same architecture; return the index (an
# `int`) of `child`'s parent in `candidates`. The list holds exactly one parent and may also hold
# grandparents, siblings, cousins, models of other families and an identical copy of `child`
# itself (a model is not its own parent); it never holds descendants of `child`. The answer may
# not depend on the candidates' order (the same model wherever it sits), the function is
# deterministic and does not modify the tensors it gets. The grader measures the fraction of
# children whose parent you find in the generated families. First, answer below: how would you
# build an experimental setup to study neural phylogeny (exercise 13.1 of the list)?

# %% [markdown]
# ### Resposta / Answer: experimental_setup (13.1)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
#
# Gero famílias com MLPs pequenos: uma raiz inicializada com semente própria e filhos
# treinados por alguns passos de SGD em tarefas sintéticas diferentes (gaussianas deslocadas,
# professor linear), e netos a partir dos filhos. Guardo a árvore verdadeira, embaralho e meço a
# acurácia do pai variando o número de passos e a taxa de aprendizado, com várias sementes.


# %%
def _flatten(state: dict[str, torch.Tensor]) -> torch.Tensor:
    """All parameters in one float64 vector, in a fixed key order."""
    return torch.cat([state[key].detach().reshape(-1).double() for key in sorted(state)])


def find_parent(child: dict[str, torch.Tensor], candidates: list[dict[str, torch.Tensor]]) -> int:
    """The nearest candidate in weight space (Euclidean), skipping copies of the child."""
    alvo = _flatten(child)
    melhor, menor = -1, float("inf")
    for i, candidato in enumerate(candidates):
        d = float((_flatten(candidato) - alvo).norm())
        if 0 < d < menor:
            melhor, menor = i, d
    return melhor


# %% [markdown]
# ## 13.2 Filogenia / Phylogeny
#
# **PT.** Escreva `build_phylogeny(models)`: `models` é uma lista de `state_dict`s de várias
# famílias misturadas, em ordem aleatória. Devolva uma lista do mesmo tamanho em que a posição
# `i` é o índice (em `models`) do pai de `models[i]`, ou `None` se `models[i]` é uma raiz. Cada
# família tem exatamente uma raiz (o modelo não ajustado), e o resultado é uma floresta: nenhum
# modelo é o seu próprio ancestral, e em particular um filho nunca é indicado como pai do seu
# pai (a direção importa: o ajuste afasta o filho da inicialização). O resultado não pode
# depender da ordem de `models` (a mesma árvore, com os índices permutados), a função é
# determinística e não modifica os tensores. O corretor mede a fração de modelos ajustados cujo
# pai você acerta, e verifica raízes, direção e ciclos. Depois, responda abaixo: descreva o seu
# método de detecção (exercício 13.2) e os seus limites.
#
# **EN.** Write `build_phylogeny(models)`: `models` is a list of `state_dict`s of several mixed
# families, in random order. Return a list of the same length whose entry `i` is the index (in
# `models`) of `models[i]`'s parent, or `None` if `models[i]` is a root. Each family has exactly
# one root (the model that was not fine-tuned), and the result is a forest: no model is its own
# ancestor, and in particular a child is never named as its parent's parent (direction matters:
# fine-tuning moves the child away from the initialisation). The result may not depend on the
# order of `models` (the same tree, with the indices permuted), the function is deterministic and
# does not modify the tensors. The grader measures the fraction of fine-tuned models whose parent
# you find, and checks roots, direction and cycles. Then answer below: describe your detection
# method (exercise 13.2) and its limits.


# %%
#: relatives stay close in weight space; independent initialisations are nearly orthogonal
SAME_FAMILY_COSINE = 0.5


def build_phylogeny(models: list[dict[str, torch.Tensor]]) -> list[int | None]:
    """Families = groups linked by cosine similarity; in each, the root is the model nearest to a
    fresh initialisation (smallest norm) and the tree is the minimum spanning tree grown from it."""
    vetores = [_flatten(m) for m in models]
    normas = [float(v.norm()) for v in vetores]
    pais = []
    for i, v in enumerate(vetores):
        # pai = o modelo mais próximo entre os de norma menor (mais perto da inicialização)
        # e da mesma família (cosseno alto)
        opcoes = [
            j
            for j, w in enumerate(vetores)
            if normas[j] < normas[i] and float(v @ w) / (normas[i] * normas[j]) > 0.5
        ]
        if not opcoes:
            pais.append(None)
        else:
            pais.append(min(opcoes, key=lambda j: float((vetores[j] - v).norm())))
    return pais


# %% [markdown]
# ### Resposta / Answer: detection_method (13.2)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
#
# O pai é o modelo mais próximo em distância euclidiana dos pesos. Na filogenia, a
# direção vem da norma: a raiz não treinada tem a menor norma e o treino aumenta a norma, então o
# pai de um modelo é o mais próximo entre os de norma menor da mesma família (cosseno > 0.5).
# Falha quando um ajuste diminui a norma.
