# The grids' front-end libraries, installed from package-lock.json (settings.STATICFILES_DIRS).
FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY . .
COPY --from=assets /app/node_modules ./node_modules
RUN pip install -c requirements/constraints.txt .
EXPOSE 8000
CMD ["gunicorn", "settings.wsgi:application", "--bind", "0.0.0.0:8000"]
