"""The harness's own student-facing messages, in both languages (the message catalog)."""

from __future__ import annotations

from harness.i18n import Text

# -- what the student's code did during a call ----------------------------------------------------
CALL_RAISED = Text(
    en="Calling {call} raised {exc_type}: {exc_message}{where}.",
    pt="A chamada {call} levantou {exc_type}: {exc_message}{where}.",
)
CALL_NOT_IMPLEMENTED = Text(
    en="{name} is not implemented yet (calling {call} raised NotImplementedError).",
    pt="{name} ainda não foi implementada (a chamada {call} levantou NotImplementedError).",
)
CALL_EXITED = Text(
    en="Calling {call} tried to end the program (SystemExit {code}){where}; a graded function must return a value.",
    pt="A chamada {call} tentou encerrar o programa (SystemExit {code}){where}; uma função avaliada deve retornar um valor.",
)
CALL_TIMED_OUT = Text(
    en="Calling {call} did not finish within {seconds:g} s (infinite loop, or far too slow); it was stopped.",
    pt="A chamada {call} não terminou em {seconds:g} s (laço infinito, ou lenta demais) e foi interrompida.",
)
CALL_TIMED_OUT_DERIVED = Text(
    en="Calling {call} did not finish within {seconds:g} s and was stopped. That limit is {factor:g} times what the reference solution needs for the same call, and never under {floor:g} s: an infinite loop, or an approach far slower than needed.",
    pt="A chamada {call} não terminou em {seconds:g} s e foi interrompida. Esse limite é {factor:g} vezes o tempo que a solução de referência leva na mesma chamada, e nunca menos de {floor:g} s: um laço infinito, ou uma abordagem muito mais lenta que o necessário.",
)
WORKER_DIED = Text(
    en="The process running your code ended abruptly while calling {call} ({reason}).",
    pt="O processo que executava seu código terminou abruptamente durante a chamada {call} ({reason}).",
)
MISSING_NAME = Text(
    en="Your submission does not define `{name}` (check the exact name required by the assignment).",
    pt="Sua submissão não define `{name}` (confira o nome exato exigido pelo enunciado).",
)
MISSING_ATTRIBUTE = Text(
    en="The object returned ({on}) has no attribute or method `{name}`.",
    pt="O objeto retornado ({on}) não tem o atributo ou método `{name}`.",
)
NOT_CALLABLE = Text(
    en="`{name}` in your submission is not a function ({detail}).",
    pt="`{name}` na sua submissão não é uma função ({detail}).",
)
BAD_REPLY = Text(
    en="The value returned by {call} could not be read back: {detail}.",
    pt="O valor retornado por {call} não pôde ser lido: {detail}.",
)
FUNCTION_GIVEN_UP = Text(
    en="Not run: `{name}` already exceeded its time limit {times} times in earlier checks, so {call} was not attempted.",
    pt="Não executada: `{name}` já estourou o limite de tempo {times} vezes em verificações anteriores, então {call} não foi tentada.",
)
BUDGET_EXHAUSTED = Text(
    en="Not run: this submission used up its total time budget of {seconds:g} s in earlier checks.",
    pt="Não executada: esta submissão esgotou o tempo total de {seconds:g} s nas verificações anteriores.",
)
WHERE_LINE = Text(
    en=" (at {location} of your file: `{code}`)", pt=" (em {location} do seu arquivo: `{code}`)"
)
LOCATION_LINE = Text(en="line {line}", pt="linha {line}")
LOCATION_CELL = Text(en="cell {cell}, line {line}", pt="célula {cell}, linha {line}")

# -- why a process ended ------------------------------------------------------------------------------
EXIT_STATUS = Text(en="exit status {code}", pt="código de saída {code}")
KILLED_BY_SIGNAL = Text(en="killed by signal {signal}", pt="morto pelo sinal {signal}")
SIGNAL_HINTS = {
    "SIGSEGV": Text(en="a segmentation fault", pt="falha de segmentação"),
    "SIGKILL": Text(en="probably the memory limit", pt="provavelmente o limite de memória"),
    "SIGXCPU": Text(en="CPU time limit", pt="limite de tempo de CPU"),
    "SIGXFSZ": Text(en="file size limit", pt="limite de tamanho de arquivo"),
    "SIGABRT": Text(en="aborted", pt="abortado"),
}

# -- importing the submission -------------------------------------------------------------------------
IMPORT_SYNTAX_ERROR = Text(
    en="Your file could not be loaded: SyntaxError at {location}: {detail}. No check could run.",
    pt="Seu arquivo não pôde ser carregado: SyntaxError em {location}: {detail}. Nenhuma verificação pôde ser executada.",
)
IMPORT_RAISED = Text(
    en="Your file raised {exc_type} while being loaded: {exc_message}{where}. No check could run.",
    pt="Seu arquivo levantou {exc_type} ao ser carregado: {exc_message}{where}. Nenhuma verificação pôde ser executada.",
)
IMPORT_EXITED = Text(
    en="Your file tried to end the program while being loaded (SystemExit {code}){where}. Remove top-level calls to sys.exit/exit/quit. No check could run.",
    pt="Seu arquivo tentou encerrar o programa ao ser carregado (SystemExit {code}){where}. Remova chamadas de sys.exit/exit/quit no nível do módulo. Nenhuma verificação pôde ser executada.",
)
IMPORT_DIED = Text(
    en="The process loading your file ended abruptly ({reason}). No check could run.",
    pt="O processo que carregava seu arquivo terminou abruptamente ({reason}). Nenhuma verificação pôde ser executada.",
)
IMPORT_TIMED_OUT = Text(
    en="Loading your file took more than {seconds:g} s (top-level code that loops or trains too long?). No check could run.",
    pt="Carregar seu arquivo levou mais de {seconds:g} s (código no nível do módulo em laço ou treinando demais?). Nenhuma verificação pôde ser executada.",
)
NOTEBOOK_UNREADABLE = Text(
    en="The notebook could not be read: {detail}. Save it again from Jupyter and resubmit.",
    pt="O notebook não pôde ser lido: {detail}. Salve-o novamente no Jupyter e reenvie.",
)
FILE_NOT_UTF8 = Text(
    en="The file is not UTF-8 text ({detail}).",
    pt="O arquivo não é texto UTF-8 ({detail}).",
)
CELL_SYNTAX_ERROR = Text(
    en="Notebook cell {cell} was skipped: {exc_type} at line {line} of the cell: {detail}. The other cells still ran; what this cell defines is missing.",
    pt="A célula {cell} do notebook foi ignorada: {exc_type} na linha {line} da célula: {detail}. As outras células foram executadas; o que esta célula define está faltando.",
)
CELL_RAISED = Text(
    en="Notebook cell {cell} stopped at line {line} of the cell with {exc_type}: {exc_message}{where}; the rest of that cell was skipped. The other cells still ran.",
    pt="A célula {cell} do notebook parou na linha {line} da célula com {exc_type}: {exc_message}{where}; o restante dessa célula foi ignorado. As outras células foram executadas.",
)
CELL_PROBLEMS_MORE = Text(
    en="... and {count} more notebook cells failed (the first failure often causes the next ones).",
    pt="... e mais {count} células do notebook falharam (a primeira falha costuma causar as seguintes).",
)
NOT_SELECTED = Text(
    en="Not run: this exercise was left out of the run (exercise filter).",
    pt="Não executada: este exercício ficou fora da execução (filtro de exercícios).",
)
SKIPPED_AFTER_IMPORT_FAILURE = Text(
    en="Not run, because your file could not be loaded (see above).",
    pt="Não executada, pois seu arquivo não pôde ser carregado (veja acima).",
)

# -- check outcomes -------------------------------------------------------------------------------------
PASSED = Text(en="Passed.", pt="Passou.")
ALSO_FOUND = Text(
    en=" What this check found: {found}", pt=" O que esta verificação encontrou: {found}"
)
REQUIREMENT_FAILED = Text(
    en="this property is only evidence when the function also computes the right thing, and {check} did not pass.",
    pt="esta propriedade só é evidência quando a função também calcula o resultado certo, e {check} não passou.",
)
GRADER_ERROR = Text(
    en="This check could not be evaluated because of a problem in the grader itself, not in your code; the course staff has been told.",
    pt="Esta verificação não pôde ser avaliada por um problema no próprio corretor, não no seu código; a equipe do curso foi avisada.",
)
SMALLEST_COUNTEREXAMPLE = Text(
    en=" Smallest failing input found: {example}.",
    pt=" Menor entrada que falha encontrada: {example}.",
)
RUBRIC_PENDING = Text(en="Awaiting review by a TA.", pt="Aguardando avaliação de um monitor.")

# -- describing values ---------------------------------------------------------------------------------
ARRAY_DESCRIPTION = Text(en="{dtype} array of shape {shape}", pt="array {dtype} de forma {shape}")
TENSOR_DESCRIPTION = Text(
    en="{dtype} tensor of shape {shape}", pt="tensor {dtype} de forma {shape}"
)
HANDLE_DESCRIPTION = Text(en="an object of type {type}", pt="um objeto do tipo {type}")
