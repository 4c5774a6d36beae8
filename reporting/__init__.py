"""What people read: numbers and verdict words, charts, tables, sentences, spreadsheets and board packs.

No Streamlit and no database here: pages and the `marac` command both build what they show from these, so the screen,
a download and a board pack say the same thing in the same words.
"""
