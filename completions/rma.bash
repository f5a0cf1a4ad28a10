# bash completion for rma: commands, each command's options (read from its --help, so they
# never drift), values of the options that take a fixed set, and case ids from the
# workspace (rma list --ids).
_rma() {
  local cur prev
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  local commands="init open review ship receive repair refund contact note escalate correct resolve cancel close reopen show list report reconcile import export check audit policy completion"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
    return
  fi
  local cmd=${COMP_WORDS[1]}
  case $prev in
    --state) COMPREPLY=($(compgen -W "opened waiting-info approved returning received partially-refunded refunded repaired sent rejected cancelled closed" -- "$cur")); return ;;
    --kind) COMPREPLY=($(compgen -W "return exchange repair complaint" -- "$cur")); return ;;
    --channel) COMPREPLY=($(compgen -W "phone web store email chat" -- "$cur")); return ;;
    --resolution) COMPREPLY=($(compgen -W "refund exchange repair compensation none" -- "$cur")); return ;;
    --freight) COMPREPLY=($(compgen -W "company customer" -- "$cur")); return ;;
    --condition) COMPREPLY=($(compgen -W "intact used damaged missing-parts" -- "$cur")); return ;;
    --disposition) COMPREPLY=($(compgen -W "restock repair scrap vendor" -- "$cur")); return ;;
    --method) COMPREPLY=($(compgen -W "original transfer voucher" -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "table json csv html" -- "$cur")); return ;;
    --group-by) COMPREPLY=($(compgen -W "site operator category month" -- "$cur")); return ;;
    --fail-on) COMPREPLY=($(compgen -W "breach" -- "$cur")); return ;;
    --dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
  esac
  case $cmd in
    policy) if [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=($(compgen -W "check show explain" -- "$cur")); return; fi ;;
    reconcile) if [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=($(compgen -W "refunds receipts" -- "$cur")); return; fi ;;
    completion) COMPREPLY=($(compgen -W "bash zsh" -- "$cur")); return ;;
  esac
  if [[ $cur == -* ]]; then
    local sub=$cmd
    [[ $cmd == policy || $cmd == reconcile ]] && sub="$cmd ${COMP_WORDS[2]}"
    COMPREPLY=($(compgen -W "$(rma $sub --help 2>/dev/null | grep -oE -- '--[a-z][a-z-]*' | sort -u)" -- "$cur"))
    return
  fi
  case $cmd in
    review|ship|receive|repair|refund|contact|note|escalate|correct|resolve|cancel|close|reopen|show)
      if [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=($(compgen -W "$(rma list --ids 2>/dev/null)" -- "$cur")); fi ;;
    import|reconcile|init) COMPREPLY=($(compgen -f -- "$cur")) ;;
  esac
}
complete -F _rma rma
