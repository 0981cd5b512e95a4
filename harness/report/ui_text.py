"""Labels of the HTML report, the review app and the TA/export commands, in both languages.

Part of the message catalog (check messages live with the graders and in :mod:`harness.messages`).
Every string a person reads in a report page, in the review web app (``grade serve``) or in the
output of ``grade serve`` / ``grade export`` / ``grade gradescope`` is here, in pt-BR and en.
"""

from __future__ import annotations

from typing import Any

from harness.i18n import Text

UI: dict[str, Text] = {
    # -- both pages ------------------------------------------------------------------------------
    "class_overview": Text(en="Class overview", pt="Visão geral da turma"),
    "assignment": Text(en="Assignment", pt="Tarefa"),
    "assignments": Text(en="Assignments", pt="Tarefas"),
    "student": Text(en="Student", pt="Aluno"),
    "students": Text(en="Students", pt="Alunos"),
    "submissions": Text(en="Submissions", pt="Submissões"),
    "score": Text(en="Score", pt="Nota"),
    "automatic": Text(en="Automatic checks", pt="Verificações automáticas"),
    "rubric": Text(en="Written parts (rubric)", pt="Partes escritas (rubrica)"),
    "total": Text(en="Total", pt="Total"),
    "mean": Text(en="Mean", pt="Média"),
    "median": Text(en="Median", pt="Mediana"),
    "minimum": Text(en="Lowest", pt="Menor"),
    "maximum": Text(en="Highest", pt="Maior"),
    "contents": Text(en="Contents", pt="Sumário"),
    "skip_to_content": Text(en="Skip to content", pt="Pular para o conteúdo"),
    "generated": Text(en="Generated", pt="Gerado em"),
    "back": Text(en="Back to the class overview", pt="Voltar à visão geral da turma"),
    "no_submissions": Text(
        en="No graded submissions yet.", pt="Nenhuma submissão corrigida ainda."
    ),
    # -- overview ----------------------------------------------------------------------------------
    "distribution": Text(en="Score distribution", pt="Distribuição das notas"),
    "distribution_hint": Text(
        en="Share of the automatic points earned by each submission, in bins of 10%.",
        pt="Fração dos pontos automáticos obtida por cada submissão, em faixas de 10%.",
    ),
    "histogram_label": Text(
        en="Histogram of the automatic scores of {assignment}: {bins}",
        pt="Histograma das notas automáticas de {assignment}: {bins}",
    ),
    "histogram_data": Text(en="Histogram data", pt="Dados do histograma"),
    "bin": Text(en="Score range", pt="Faixa de nota"),
    "count": Text(en="Submissions", pt="Submissões"),
    "most_failed": Text(en="Checks failed most often", pt="Verificações com mais falhas"),
    "most_failed_hint": Text(
        en="Share of submissions failing each check, worst first: what the class has not learned yet.",
        pt="Fração das submissões que falham cada verificação, da pior para a melhor: o que a turma ainda não aprendeu.",
    ),
    "not_loaded_excluded": Text(
        en="{count} submission(s) that could not be loaded are left out of this ranking (they fail every check).",
        pt="{count} submissão(ões) que não puderam ser carregadas ficam fora desta classificação (falham todas as verificações).",
    ),
    "rank": Text(en="#", pt="#"),
    "failing": Text(en="Failing", pt="Falhando"),
    "failing_students": Text(en="Who fails it", pt="Quem falha"),
    "all_passing": Text(
        en="{count} check(s) passed by every submission",
        pt="{count} verificação(ões) que todas as submissões passam",
    ),
    "more_failing": Text(
        en="{count} more check(s) failed by some submission",
        pt="mais {count} verificação(ões) com falhas",
    ),
    "no_checks": Text(en="No checks ran.", pt="Nenhuma verificação foi executada."),
    "review_progress": Text(en="Rubric review", pt="Avaliação da rubrica"),
    "review_progress_value": Text(
        en="{scored} of {total} written parts scored",
        pt="{scored} de {total} partes escritas avaliadas",
    ),
    "awaiting_review": Text(en="Awaiting review", pt="Aguardando avaliação"),
    "nothing_awaiting": Text(
        en="Every written part has been scored.", pt="Todas as partes escritas foram avaliadas."
    ),
    "students_caption": Text(
        en="Total points per assignment (automatic + rubric); follow a score to the submission's page.",
        pt="Pontos totais por tarefa (automáticos + rubrica); siga uma nota para a página da submissão.",
    ),
    "sort_hint": Text(en="sort by this column", pt="ordenar por esta coluna"),
    "sorted_ascending": Text(en="sorted ascending", pt="em ordem crescente"),
    "sorted_descending": Text(en="sorted descending", pt="em ordem decrescente"),
    "pending_marker": Text(en="rubric pending", pt="rubrica pendente"),
    "not_loaded_marker": Text(en="file not loadable", pt="arquivo não carregável"),
    "no_submission": Text(en="no submission", pt="sem submissão"),
    "skipped_files": Text(en="Files skipped", pt="Arquivos ignorados"),
    "reason": Text(en="Reason", pt="Motivo"),
    "isolation": Text(en="Isolation", pt="Isolamento"),
    # -- submission page -------------------------------------------------------------------------
    "check": Text(en="Check", pt="Verificação"),
    "checks": Text(en="Checks", pt="Verificações"),
    "exercise": Text(en="Exercise", pt="Exercício"),
    "exercises": Text(en="Exercises", pt="Exercícios"),
    "category": Text(en="Category", pt="Categoria"),
    "points": Text(en="Points", pt="Pontos"),
    "result": Text(en="Result", pt="Resultado"),
    "passed": Text(en="passed", pt="passou"),
    "failed": Text(en="failed", pt="falhou"),
    "partial": Text(en="partial", pt="parcial"),
    "hidden": Text(en="hidden", pt="oculta"),
    "public": Text(en="public", pt="pública"),
    "grader_error": Text(en="grader error", pt="erro do corretor"),
    "checks_passed": Text(en="{passed} of {total} passed", pt="{passed} de {total} passaram"),
    "failed_checks": Text(en="Checks not passed", pt="Verificações não aprovadas"),
    "all_checks_passed": Text(
        en="Every automatic check passed.", pt="Todas as verificações automáticas passaram."
    ),
    "figures": Text(en="Figures", pt="Figuras"),
    "output": Text(en="What the code printed", pt="O que o código imprimiu"),
    "import_output": Text(en="Printed while loading the file", pt="Impresso ao carregar o arquivo"),
    "stdout": Text(en="standard output", pt="saída padrão"),
    "stderr": Text(en="error output", pt="saída de erro"),
    "truncated": Text(en="(truncated)", pt="(truncado)"),
    "file": Text(en="File", pt="Arquivo"),
    "graded_at": Text(en="Graded at", pt="Corrigido em"),
    "duration": Text(en="Time", pt="Tempo"),
    "harness_version": Text(en="Harness", pt="Corretor"),
    "not_loaded": Text(en="The file could not be loaded", pt="O arquivo não pôde ser carregado"),
    "awaiting": Text(en="awaiting review", pt="aguardando avaliação"),
    "comment": Text(en="Comment", pt="Comentário"),
    "reviewer": Text(en="Reviewer", pt="Avaliador"),
    "reviewer_optional": Text(en="Reviewer (optional)", pt="Avaliador (opcional)"),
    "updated_at": Text(en="Updated", pt="Atualizado em"),
    "max_points": Text(en="Maximum", pt="Máximo"),
    "grader_incidents": Text(en="Grader errors", pt="Erros do corretor"),
    "no_rubric": Text(
        en="This assignment has no written parts.", pt="Esta tarefa não tem partes escritas."
    ),
    # -- written answers and the submitted file ------------------------------------------------
    "answer": Text(en="Student's answer", pt="Resposta do aluno"),
    "answer_blank": Text(
        en="Blank: the answer slot is in the file, but nothing was written in it.",
        pt="Em branco: o espaço de resposta está no arquivo, mas nada foi escrito nele.",
    ),
    "answer_missing": Text(
        en="No answer: the file has no answer slot for this item (a heading “{heading}”).",
        pt="Sem resposta: o arquivo não tem o espaço de resposta deste item (um título “{heading}”).",
    ),
    "answer_not_read": Text(
        en="The answer was not read (graded before answers were extracted; `grade all --force` reads it).",
        pt="A resposta não foi lida (corrigido antes de as respostas serem extraídas; `grade all --force` a lê).",
    ),
    "answer_truncated": Text(
        en="(the answer is longer; it was cut here)",
        pt="(a resposta é mais longa; foi cortada aqui)",
    ),
    "answer_in_file": Text(en="where it is in the file", pt="onde está no arquivo"),
    "blank_short": Text(en="blank", pt="em branco"),
    "blank_answers": Text(en="Blank answers", pt="Respostas em branco"),
    "blank_answers_item": Text(
        en="{count} student(s) left {exercise} ({item}) blank",
        pt="{count} aluno(s) deixaram {exercise} ({item}) em branco",
    ),
    "no_blank_answers": Text(
        en="Every written part has an answer.", pt="Todas as partes escritas têm resposta."
    ),
    "submitted_file": Text(en="Submitted file", pt="Arquivo entregue"),
    "submitted_inert": Text(
        en="Shown as data: nothing in the file runs on this page; links are not followed (hover to see the address).",
        pt="Mostrado como dados: nada do arquivo é executado nesta página; links não são seguidos (passe o mouse para ver o endereço).",
    ),
    "submitted_not_stored": Text(
        en="The file is not in the gradebook (graded by an earlier version; `grade all --force` stores it).",
        pt="O arquivo não está no gradebook (corrigido por uma versão anterior; `grade all --force` o guarda).",
    ),
    "submitted_trimmed": Text(
        en="{count} output(s) or cell(s) too large or not displayable (scripts, widgets) were shortened or left out.",
        pt="{count} saída(s) ou célula(s) grandes demais ou não exibíveis (scripts, widgets) foram encurtadas ou omitidas.",
    ),
    "submitted_truncated": Text(
        en="The file is longer: only its first {lines} lines are shown.",
        pt="O arquivo é mais longo: só as primeiras {lines} linhas são mostradas.",
    ),
    "submitted_unreadable": Text(
        en="The file could not be read as a notebook; its text is shown as it is.",
        pt="O arquivo não pôde ser lido como notebook; seu texto é mostrado como está.",
    ),
    "submitted_render_failed": Text(
        en="The notebook could not be rendered ({detail}); its JSON is shown instead.",
        pt="O notebook não pôde ser exibido ({detail}); seu JSON é mostrado no lugar.",
    ),
    "submitted_size": Text(en="{size} bytes", pt="{size} bytes"),
    # check categories (records keep the English identifier; pages show these)
    "cat_correctness": Text(en="correctness", pt="corretude"),
    "cat_shape": Text(en="shape", pt="forma"),
    "cat_leakage": Text(en="leakage", pt="vazamento"),
    "cat_robustness": Text(en="robustness", pt="robustez"),
    "cat_side-effects": Text(en="side effects", pt="efeitos colaterais"),
    "cat_stability": Text(en="stability", pt="estabilidade"),
    "cat_behaviour": Text(en="behaviour", pt="comportamento"),
    "cat_performance": Text(en="performance", pt="desempenho"),
    "cat_rubric": Text(en="rubric", pt="rubrica"),
    # -- review app (grade serve) ----------------------------------------------------------------
    "review_mode": Text(
        en="Review mode: scores entered here are saved in the gradebook ({path}) and the static report is regenerated.",
        pt="Modo de avaliação: as notas inseridas aqui são gravadas no caderno de notas ({path}) e o relatório estático é regenerado.",
    ),
    "score_label": Text(en="Score (0 to {max})", pt="Nota (0 a {max})"),
    "save": Text(en="Save", pt="Salvar"),
    "saved": Text(en="Saved: {item} = {points} / {max}.", pt="Gravado: {item} = {points} / {max}."),
    "error_prefix": Text(en="Not saved:", pt="Não gravado:"),
    "err_score_missing": Text(en="enter a score.", pt="informe uma nota."),
    "err_score_not_number": Text(
        en="the score must be a number (got {got!r}).",
        pt="a nota deve ser um número (recebido {got!r}).",
    ),
    "err_score_negative": Text(
        en="the score cannot be negative (got {got}).",
        pt="a nota não pode ser negativa (recebido {got}).",
    ),
    "err_score_above_max": Text(
        en="the score {got} is above the maximum of {max} for {item}.",
        pt="a nota {got} está acima do máximo de {max} para {item}.",
    ),
    "err_comment_too_long": Text(
        en="the comment is too long ({count} characters; {limit} at most).",
        pt="o comentário é longo demais ({count} caracteres; no máximo {limit}).",
    ),
    "err_reviewer_too_long": Text(
        en="the reviewer's name is too long ({limit} characters at most).",
        pt="o nome do avaliador é longo demais (no máximo {limit} caracteres).",
    ),
    "err_unknown_item": Text(
        en="this assignment has no rubric item {item!r}.",
        pt="esta tarefa não tem o item de rubrica {item!r}.",
    ),
    "err_refused": Text(
        en="the gradebook refused it: {detail}", pt="o caderno de notas recusou: {detail}"
    ),
    "http_not_found": Text(en="Page not found", pt="Página não encontrada"),
    "http_not_found_detail": Text(
        en="There is no page at this address.", pt="Não há página neste endereço."
    ),
    "http_forbidden": Text(en="Request refused", pt="Requisição recusada"),
    "http_forbidden_detail": Text(
        en="This request did not come from a page of this review site (wrong host, origin or form token); nothing was stored. Reload the page and try again.",
        pt="Esta requisição não veio de uma página deste site de avaliação (host, origem ou token do formulário incorretos); nada foi gravado. Recarregue a página e tente de novo.",
    ),
    "http_bad_request": Text(en="Bad request", pt="Requisição inválida"),
    "http_bad_request_detail": Text(
        en="The form could not be read; nothing was stored.",
        pt="O formulário não pôde ser lido; nada foi gravado.",
    ),
    # -- commands (grade serve / export / gradescope) ----------------------------------------------
    "cli_no_gradebook": Text(
        en="{out} holds no gradebook.sqlite; run `grade all SUBMISSIONS --out {out}` first",
        pt="{out} não contém gradebook.sqlite; rode `grade all SUBMISSIONS --out {out}` antes",
    ),
    "cli_serving": Text(
        en="Review site: {url} (Ctrl+C to stop). Scores are saved in {path}.",
        pt="Site de avaliação: {url} (Ctrl+C para parar). As notas são gravadas em {path}.",
    ),
    "cli_serve_stopped": Text(en="Review site stopped.", pt="Site de avaliação encerrado."),
    "cli_remote_refused": Text(
        en="refusing to listen on {host}: the review site has no login, so it only listens on this machine (127.0.0.1, ::1, localhost); pass --allow-remote to override",
        pt="recusado escutar em {host}: o site de avaliação não tem login, então só escuta nesta máquina (127.0.0.1, ::1, localhost); use --allow-remote para forçar",
    ),
    "cli_remote_warning": Text(
        en="warning: listening on {host}; anyone who can reach this address can change rubric scores",
        pt="aviso: escutando em {host}; qualquer pessoa que alcance este endereço pode alterar notas da rubrica",
    ),
    "cli_port_busy": Text(
        en="cannot listen on {host}:{port}: {detail}",
        pt="não foi possível escutar em {host}:{port}: {detail}",
    ),
    "cli_wrote": Text(en="wrote {path}", pt="gravado {path}"),
    "cli_export_done": Text(
        en="{format} export: {count} file(s) in {dest}",
        pt="exportação {format}: {count} arquivo(s) em {dest}",
    ),
    "cli_roster_missing": Text(
        en="roster file {path} does not exist", pt="o arquivo de roster {path} não existe"
    ),
    "cli_roster_bad": Text(en="roster {path}: {detail}", pt="roster {path}: {detail}"),
    "cli_roster_unmatched": Text(
        en="warning: {count} student(s) not in the roster, exported under their folder name: {names}",
        pt="aviso: {count} aluno(s) fora do roster, exportados com o nome da pasta: {names}",
    ),
    "cli_gs_no_submission": Text(
        en="no submission folder at {path}", pt="não há pasta de submissão em {path}"
    ),
    "cli_gs_no_file": Text(
        en="no gradable file in {path}: expected one of {expected}",
        pt="nenhum arquivo corrigível em {path}: esperado um de {expected}",
    ),
    "cli_gs_ambiguous": Text(
        en="{path} holds files for several assignments ({found}); pass --assignment",
        pt="{path} contém arquivos de várias tarefas ({found}); use --assignment",
    ),
    "cli_gs_done": Text(
        en="{assignment}: {score}/{max} points; results in {path}",
        pt="{assignment}: {score}/{max} pontos; resultados em {path}",
    ),
    # -- exports (text that lands in LMS feedback and Gradescope output) ---------------------------
    "fb_automatic": Text(
        en="Automatic checks: {score}/{max}.", pt="Verificações automáticas: {score}/{max}."
    ),
    "fb_rubric": Text(en="Written parts: {score}/{max}.", pt="Partes escritas: {score}/{max}."),
    "fb_rubric_pending": Text(
        en="{count} written part(s) awaiting review.",
        pt="{count} parte(s) escrita(s) aguardando avaliação.",
    ),
    "fb_failed": Text(en="Not passed: {names}.", pt="Não aprovadas: {names}."),
    "fb_not_loaded": Text(
        en="The file could not be loaded: {detail}", pt="O arquivo não pôde ser carregado: {detail}"
    ),
    "fb_more": Text(en="and {count} more", pt="e mais {count}"),
    "gs_summary": Text(
        en="{assignment}: {score}/{max} points on the automatic checks ({passed} of {total} passed). Hidden checks are shown after the grades are published.",
        pt="{assignment}: {score}/{max} pontos nas verificações automáticas ({passed} de {total} passaram). As verificações ocultas aparecem depois que as notas forem publicadas.",
    ),
    "gs_rubric_test": Text(en="Written part {name}", pt="Parte escrita {name}"),
    "gs_output_heading": Text(
        en="What your code printed during this check:",
        pt="O que seu código imprimiu durante esta verificação:",
    ),
    # -- similar submissions (grade similarity) ---------------------------------------------------
    "similar_submissions": Text(en="Similar submissions", pt="Submissões semelhantes"),
    "similarity_hint": Text(
        en="Pairs of one assignment whose code (or written answers) share at least {threshold} of either file's tokens, at least {tokens} tokens, after removing the released stub and public checks. Renamed variables, new comments, reformatting and reordered functions do not hide a copy. This is a lead for a conversation, not a verdict: no grade changes.",
        pt="Pares de uma tarefa cujo código (ou respostas escritas) compartilha ao menos {threshold} dos tokens de um dos arquivos, ao menos {tokens} tokens, depois de retirados o esqueleto distribuído e as verificações públicas. Renomear variáveis, trocar comentários, reformatar e reordenar funções não escondem uma cópia. É uma pista para conversa, não um veredito: nenhuma nota muda.",
    ),
    "similarity_none": Text(
        en="No pair above the threshold ({compared} pairs shared some code).",
        pt="Nenhum par acima do limiar ({compared} pares compartilharam algum código).",
    ),
    "similarity_all": Text(en="All pairs, side by side", pt="Todos os pares, lado a lado"),
    "similarity_kind": Text(en="Compared", pt="Comparado"),
    "similarity_code": Text(en="code", pt="código"),
    "similarity_answers": Text(en="written answers", pt="respostas escritas"),
    "similarity_share": Text(en="Share of {student}'s tokens", pt="Fração dos tokens de {student}"),
    "similarity_shared": Text(en="Shared tokens", pt="Tokens em comum"),
    "similarity_pair": Text(en="Side by side", pt="Lado a lado"),
    "similarity_open": Text(en="open", pt="abrir"),
    "similarity_marked": Text(
        en="The code as compared: comments dropped and laid out by Python's own unparser, so that formatting differences disappear; the highlighted lines are those the other file also contains (with any variable names).",
        pt="O código como foi comparado: sem comentários e disposto pelo próprio unparser do Python, para que diferenças de formatação sumam; as linhas destacadas são as que o outro arquivo também contém (com quaisquer nomes de variáveis).",
    ),
}


def category(name: str, lang: str) -> str:
    """A check category in ``lang`` (an unknown one is shown as it is)."""
    text = UI.get(f"cat_{name}")
    return text.render(lang) if text is not None else name


def ui(key: str, lang: str, **values: Any) -> str:
    """The label ``key`` in ``lang`` (values are formatted in, as with ``str.format``)."""
    text = UI[key]
    return (text.format(**values) if values else text).render(lang)
