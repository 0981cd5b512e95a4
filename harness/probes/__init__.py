"""Worker-side probes: instrumented helpers a grader ships into the student's worker (with
``ctx.student.put``) to observe what happens around a student's function. One module per
assignment; each imports only the standard library, numpy and torch, and holds nothing secret."""
