"""Labels of the HTML report in both languages (part of the message catalog)."""

from __future__ import annotations

from harness.i18n import Text

UI: dict[str, Text] = {
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
    "distribution": Text(en="Score distribution", pt="Distribuição das notas"),
    "most_failed": Text(en="Checks failed most often", pt="Verificações com mais falhas"),
    "most_failed_hint": Text(
        en="Share of submissions failing each check, worst first: what the class has not learned yet.",
        pt="Fração das submissões que falham cada verificação, da pior para a melhor: o que a turma ainda não aprendeu.",
    ),
    "failing": Text(en="Failing", pt="Falhando"),
    "check": Text(en="Check", pt="Verificação"),
    "checks": Text(en="Checks", pt="Verificações"),
    "exercise": Text(en="Exercise", pt="Exercício"),
    "category": Text(en="Category", pt="Categoria"),
    "points": Text(en="Points", pt="Pontos"),
    "result": Text(en="Result", pt="Resultado"),
    "passed": Text(en="passed", pt="passou"),
    "failed": Text(en="failed", pt="falhou"),
    "partial": Text(en="partial", pt="parcial"),
    "hidden": Text(en="hidden", pt="oculta"),
    "public": Text(en="public", pt="pública"),
    "grader_error": Text(en="grader error", pt="erro do corretor"),
    "output": Text(en="What your code printed", pt="O que seu código imprimiu"),
    "import_output": Text(en="Printed while loading the file", pt="Impresso ao carregar o arquivo"),
    "truncated": Text(en="(truncated)", pt="(truncado)"),
    "file": Text(en="File", pt="Arquivo"),
    "graded_at": Text(en="Graded at", pt="Corrigido em"),
    "isolation": Text(en="Isolation", pt="Isolamento"),
    "not_loaded": Text(en="The file could not be loaded", pt="O arquivo não pôde ser carregado"),
    "awaiting": Text(en="awaiting review", pt="aguardando avaliação"),
    "comment": Text(en="Comment", pt="Comentário"),
    "reviewer": Text(en="Reviewer", pt="Avaliador"),
    "back": Text(en="Back to the class overview", pt="Voltar à visão geral da turma"),
    "skipped_files": Text(en="Files skipped", pt="Arquivos ignorados"),
    "reason": Text(en="Reason", pt="Motivo"),
    "generated": Text(en="Generated", pt="Gerado em"),
    "no_submissions": Text(
        en="No graded submissions yet.", pt="Nenhuma submissão corrigida ainda."
    ),
    "grader_incidents": Text(en="Grader errors", pt="Erros do corretor"),
    "duration": Text(en="Time", pt="Tempo"),
    "skip_to_content": Text(en="Skip to content", pt="Pular para o conteúdo"),
}


def ui(key: str, lang: str) -> str:
    return UI[key].render(lang)
