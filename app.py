"""Backprop Playground: the Streamlit front end (placeholder page until the full app lands)."""

import streamlit as st

st.set_page_config(page_title="Backprop Playground", layout="wide")
st.title("Backprop Playground")
st.write("Watch a two-hidden-layer network learn by backpropagation.")
