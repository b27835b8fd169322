# Source this file (". scripts/use-node24.sh") to put Node.js 24 first on PATH in your shell.
_crm_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
_crm_bin="$(node -e 'const b=require(process.argv[1]).ensureNode24(); if (b) console.log(b)' "$_crm_root/scripts/node24-install.cjs")"
if [ -n "$_crm_bin" ]; then
	export PATH="$_crm_bin:$PATH"
	export npm_config_nodedir="$(dirname "$_crm_bin")"
fi
unset _crm_root _crm_bin
node --version
