# Source this: puts Node 24 LTS and pnpm 12 first on PATH, installing them from the npm registry
# when missing. (nodejs.org, corepack and a packageManager pin do not work on our machines.)
NODE_VERSION=24.21.0
PNPM_VERSION=12.21.0
TOOLS_DIR="${TOOLS_DIR:-$HOME/.cache/acme-tools}"
case "$(uname -m)" in
  x86_64) NODE_ARCH=x64 ;;
  aarch64 | arm64) NODE_ARCH=arm64 ;;
  *) echo "unsupported CPU: $(uname -m)" >&2; return 1 ;;
esac
if [ "$("$TOOLS_DIR/bin/node" -v 2>/dev/null)" != "v$NODE_VERSION" ] ||
  [ "$("$TOOLS_DIR/bin/pnpm" -v 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "--- installing node $NODE_VERSION and pnpm $PNPM_VERSION into $TOOLS_DIR"
  npm install --global --prefix "$TOOLS_DIR" --no-audit --no-fund \
    "node-linux-$NODE_ARCH@$NODE_VERSION" "pnpm@$PNPM_VERSION"
fi
export PATH="$TOOLS_DIR/bin:$PATH"
echo "node $(node -v), pnpm $(pnpm -v)"
