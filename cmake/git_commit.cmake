# Run at build time (cmake -P): writes OUT (a header defining XPUSIM_GIT_COMMIT) with the
# checkout's commit, "unknown" outside a git checkout. configure_file rewrites OUT only when
# the text changes, so an unchanged commit rebuilds nothing.
execute_process(COMMAND git -C "${SRC}" rev-parse --short=12 HEAD
                OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE failed ERROR_QUIET)
if(failed OR commit STREQUAL "")
  set(commit "unknown")
else()
  execute_process(COMMAND git -C "${SRC}" status --porcelain --untracked-files=no
                  OUTPUT_VARIABLE changes ERROR_QUIET)
  if(NOT changes STREQUAL "")
    set(commit "${commit}-dirty")
  endif()
endif()
file(WRITE "${OUT}.in" "#pragma once\n// Generated at build time by cmake/git_commit.cmake.\n#define XPUSIM_GIT_COMMIT \"\${commit}\"\n")
configure_file("${OUT}.in" "${OUT}")
