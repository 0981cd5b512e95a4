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
# BEGIN REMOVE
#
# **Resposta modelo.** Modelos pequenos (MLPs) e dados sintéticos tornam o experimento barato e
# controlado: sorteio raízes independentes (inicializações com sementes diferentes), e cada
# filho é o pai ajustado numa tarefa sintética nova (entradas gaussianas com média deslocada,
# rótulos de um professor linear aleatório), com um número de passos e uma taxa conhecidos;
# repito para netos. Guardo a árvore verdadeira (pai de cada modelo) e embaralho os modelos.
# Variáveis a estudar: número de passos e taxa do ajuste (quanto o filho se afasta), semelhança
# entre as tarefas de irmãos, profundidade, tamanho da rede, número de famílias misturadas.
# Métricas: acurácia do pai (13.1), acurácia das arestas e da direção, e raízes corretas (13.2),
# com várias sementes e intervalos de confiança; casos difíceis: irmãos ajustados por mais
# passos que a distância pai-filho, tarefas parecidas.
#
# **Model answer.** Small models (MLPs) and synthetic data make the experiment cheap and
# controlled: draw independent roots (initialisations with different seeds), and make each child
# its parent fine-tuned on a new synthetic task (Gaussian inputs with a shifted mean, labels from
# a random linear teacher), with a known number of steps and learning rate; repeat for
# grandchildren. Keep the true tree (each model's parent) and shuffle the models. Variables to
# study: fine-tuning steps and learning rate (how far a child moves), similarity between
# siblings' tasks, depth, network size, number of mixed families. Metrics: parent accuracy
# (13.1), edge and direction accuracy and correct roots (13.2), over several seeds with
# confidence intervals; hard cases: siblings fine-tuned for more steps than the parent-child
# distance, similar tasks.
# END REMOVE


# %%
def _flatten(state: dict[str, torch.Tensor]) -> torch.Tensor:
    """All parameters in one float64 vector, in a fixed key order."""
    return torch.cat([state[key].detach().reshape(-1).double() for key in sorted(state)])


def find_parent(child: dict[str, torch.Tensor], candidates: list[dict[str, torch.Tensor]]) -> int:
    """The nearest candidate in weight space (Euclidean), skipping copies of the child."""
    # BEGIN SOLUTION
    target = _flatten(child)
    distances = [float(torch.linalg.vector_norm(_flatten(c) - target)) for c in candidates]
    eligible = [i for i, d in enumerate(distances) if d > 0.0]
    if not eligible:
        raise ValueError("no candidate differs from the child")
    return min(eligible, key=lambda i: distances[i])
    # END SOLUTION


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
    # BEGIN SOLUTION
    vectors = torch.stack([_flatten(m) for m in models])
    distances = torch.cdist(vectors, vectors).tolist()
    norms = vectors.norm(dim=1)
    cosine = ((vectors @ vectors.T) / torch.outer(norms, norms)).tolist()
    n = len(models)
    family = list(range(n))

    def find(i: int) -> int:
        while family[i] != i:
            i = family[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            if cosine[i][j] >= SAME_FAMILY_COSINE:
                family[find(i)] = find(j)
    parents: list[int | None] = [None] * n
    for label in {find(i) for i in range(n)}:
        members = [i for i in range(n) if find(i) == label]
        root = min(members, key=lambda i: (float(norms[i]), i))
        tree = [root]
        outside = [i for i in members if i != root]
        while outside:  # Prim: attach the nearest outside model to its nearest tree model
            _, parent, child = min((distances[t][o], t, o) for t in tree for o in outside)
            parents[child] = parent
            tree.append(child)
            outside.remove(child)
    return parents
    # END SOLUTION


# %% [markdown]
# ### Resposta / Answer: detection_method (13.2)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
# BEGIN REMOVE
#
# **Resposta modelo.** O ajuste fino move pouco os pesos, então o pai é o candidato mais próximo
# no espaço de pesos (distância euclidiana do state_dict achatado); cópias idênticas são
# ignoradas. Para a filogenia: raízes independentes são quase ortogonais (cosseno perto de 0) e
# parentes têm cosseno alto, o que separa as famílias; em cada família a direção vem da
# "inicialização falsa": a distância esperada a uma inicialização nova é ||θ||² + constante,
# então a raiz (não treinada) é o modelo de menor norma, e o treino afasta os filhos dela. A
# árvore é a árvore geradora mínima crescida a partir da raiz, orientada para fora dela (sem
# ciclos por construção). Limites: irmãos ajustados por muito mais passos que a distância
# pai-filho, tarefas muito parecidas (atualizações correlacionadas), ajustes que encolhem os
# pesos (weight decay) quebram a regra da norma; um método baseado em representações ou
# aprendido (como o de Yu & Wang) é mais robusto.
#
# **Model answer.** Fine-tuning moves the weights little, so the parent is the nearest candidate
# in weight space (Euclidean distance of the flattened state_dict); identical copies are skipped.
# For the phylogeny: independent roots are nearly orthogonal (cosine near 0) while relatives have
# a high cosine, which separates the families; within a family the direction comes from the
# "fake initialisation": the expected distance to a fresh initialisation is ||θ||² + constant, so
# the (untrained) root is the model with the smallest norm, and training moves the children away
# from it. The tree is the minimum spanning tree grown from the root, oriented away from it (no
# cycles by construction). Limits: siblings fine-tuned for far more steps than the parent-child
# distance, very similar tasks (correlated updates), and fine-tuning that shrinks the weights
# (weight decay) break the norm rule; a representation-based or learned method (as in Yu & Wang)
# is more robust.
# END REMOVE
