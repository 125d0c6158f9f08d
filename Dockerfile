# Backprop Playground: a slim image for the hosted demo.
#   docker build -t backprop-playground .
#   docker run --rm -p 8501:8501 backprop-playground
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # One BLAS thread per process: many sessions share the cores, and busy-waiting BLAS
    # threads of one session would slow every other one.
    OPENBLAS_NUM_THREADS=1 \
    OMP_NUM_THREADS=1

RUN useradd --create-home --uid 10001 playground
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=playground:playground app.py ./
COPY --chown=playground:playground playground/ playground/
COPY --chown=playground:playground .streamlit/ .streamlit/
COPY --chown=playground:playground static/ static/

USER playground
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status != 200)"

CMD ["streamlit", "run", "playground/serve.py", "--server.address=0.0.0.0", "--server.port=8501"]
