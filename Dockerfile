FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY . .
RUN pip install -c requirements/constraints.txt .
EXPOSE 8000
CMD ["gunicorn", "settings.wsgi:application", "--bind", "0.0.0.0:8000"]
