# One image for both processes: `node apps/server/src/main.ts` or `node apps/worker/src/main.ts`.
FROM node:24-slim AS base
RUN npm install --global pnpm@12.21.0
WORKDIR /app

FROM base AS build
COPY . .
RUN pnpm install --frozen-lockfile && pnpm build:web

FROM base AS app
ENV NODE_ENV=production
COPY --from=build /app /app
USER node
EXPOSE 3000
CMD ["node", "apps/server/src/main.ts"]
